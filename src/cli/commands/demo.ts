import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "demo", description: "(not built yet)" },
  run() {
    throw new InputError("'demo' is not built yet");
  },
});
