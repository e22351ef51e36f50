/**
 * Transcript readers and writers: pure string ↔ data, browser-safe. File and stream helpers are in
 * `rapportkit/node`.
 * @module
 */
export {
  DEFAULT_MAX_UTTERANCE_BYTES,
  type OnError,
  parseTime,
  type ReadOptions,
  type ReadResult,
} from "./_shared.js";
export { ANNOMI_REQUIRED_COLUMNS, annomiCode, readAnnomi } from "./annomi.js";
export {
  CODED_COLUMNS,
  type CodedRow,
  codedCsvLine,
  codedJsonlLine,
  codedRowsToCodedTranscripts,
  readCodedRows,
  writeCodedCsv,
  writeCodedJsonl,
} from "./coded.js";
export {
  CSV_COLUMNS,
  type CsvColumn,
  type CsvColumns,
  type CsvReadOptions,
  type CsvWriteOptions,
  csvField,
  readCsv,
  writeCsv,
} from "./csv.js";
export {
  type JsonlReadOptions,
  readJson,
  readJsonl,
  utteranceToJsonl,
  writeJson,
  writeJsonl,
} from "./json.js";
export {
  detectFormat,
  isTranscriptFormat,
  type ReadTranscriptOptions,
  readTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  writeTranscript,
} from "./read.js";
export {
  defaultSpeakerMap,
  lookupRole,
  parseSpeakerMap,
  roleOf,
  type SpeakerMap,
} from "./speakers.js";
export { readSrt, readVtt, writeSrt, writeVtt } from "./subtitles.js";
export { readText, writeText } from "./text.js";
