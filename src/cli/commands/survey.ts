import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "survey", description: "(not built yet)" },
  run() {
    throw new InputError("'survey' is not built yet");
  },
});
