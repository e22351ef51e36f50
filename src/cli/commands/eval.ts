import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "eval", description: "(not built yet)" },
  run() {
    throw new InputError("'eval' is not built yet");
  },
});
