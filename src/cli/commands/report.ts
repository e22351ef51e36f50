import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "report", description: "(not built yet)" },
  run() {
    throw new InputError("'report' is not built yet");
  },
});
