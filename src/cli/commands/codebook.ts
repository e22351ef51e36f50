import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "codebook", description: "(not built yet)" },
  run() {
    throw new InputError("'codebook' is not built yet");
  },
});
