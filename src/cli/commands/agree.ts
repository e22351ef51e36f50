import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "agree", description: "(not built yet)" },
  run() {
    throw new InputError("'agree' is not built yet");
  },
});
