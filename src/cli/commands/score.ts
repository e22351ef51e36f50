import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "score", description: "(not built yet)" },
  run() {
    throw new InputError("'score' is not built yet");
  },
});
