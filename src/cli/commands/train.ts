import { defineCommand, InputError } from "../io.js";

export default defineCommand({
  meta: { name: "train", description: "(not built yet)" },
  run() {
    throw new InputError("'train' is not built yet");
  },
});
