/**
 * Node.js helpers: read and write transcript files, streaming where the input can be large.
 * @module
 */
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
