// Copies the demo session into dist/ after `tsup`, so that `npx rapportkit demo` works from the
// installed package (which ships dist/ only): the CLI looks for it next to dist/cli.js.
import { copyFileSync } from "node:fs";

copyFileSync(
  new URL("../examples/demo-session.txt", import.meta.url),
  new URL("../dist/demo-session.txt", import.meta.url),
);
