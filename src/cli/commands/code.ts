import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "code", description: "(not built yet)" },
  run() {
    throw new InputError("'code' is not built yet");
  },
});
