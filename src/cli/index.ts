#!/usr/bin/env node
import { writeError } from "./_output.js";
import { main } from "./main.js";

/** The status of a process a closed pipe ends (128 + SIGPIPE), as a shell reports `yes | head`. */
const CLOSED_PIPE_STATUS = 141;

// Standard output fails asynchronously, as an 'error' event: a reader that went away (`| head`)
// ends the process quietly, like any Unix tool; any other failure (a full disk, /dev/full) is one
// line on stderr and exit 1. Either way nothing more can be written, so the run stops here.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(CLOSED_PIPE_STATUS);
  process.stderr.write(`rapportkit: ${writeError("standard output", e).message}\n`);
  process.exit(1);
});
// A closed stderr: nothing can be said; finish without it.
process.stderr.on("error", () => {});

const code = await main(process.argv.slice(2), {
  // `false` means the pipe is full: the streaming commands then wait for 'drain' before writing
  // more, so `code big.csv | slow-reader` keeps at most one chunk queued, not the whole output.
  out: (t) => process.stdout.write(t),
  drain: () =>
    new Promise<void>((done) => {
      if (!process.stdout.writableNeedDrain) return done();
      process.stdout.once("drain", done);
    }),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  isTTY: Boolean(process.stderr.isTTY),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
});
process.exitCode = code;
