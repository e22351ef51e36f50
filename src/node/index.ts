/**
 * Node.js helpers: read and write transcript files, streaming where the input can be large, and
 * code a stream of utterances with bounded memory.
 * @module
 */
export {
  CODE_STREAM_CHUNK_SIZE,
  CODE_STREAM_CONTEXT_WINDOW,
  CODE_STREAM_MAX_HISTORY,
  CODE_STREAM_MAX_SESSIONS,
  type CodeFileOptions,
  type CodeStreamInput,
  type CodeStreamOptions,
  type CodeStreamSummary,
  codeFile,
  codeStream,
  codeStreamChunks,
} from "./code-stream.js";
export {
  formatOfFile,
  type ReadFileOptions,
  readHead,
  readTranscriptFile,
  sessionNameOf,
  writeTranscriptFile,
} from "./files.js";
export {
  DEFAULT_MAX_MODEL_BYTES,
  type ReadModelOptions,
  readLinearModelFile,
} from "./model.js";
export {
  collectStream,
  readAnnomiStream,
  type StreamItem,
  type StreamReadOptions,
  type StreamSource,
  streamCsvUtterances,
  streamJsonlUtterances,
} from "./stream.js";
