import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "convert", description: "(not built yet)" },
  run() {
    throw new InputError("'convert' is not built yet");
  },
});
