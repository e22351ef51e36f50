import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The README's TypeScript snippets are type-checked against the sources, so they cannot drift
// from the API they show.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe("README", () => {
  it("starts with the two-command quick start", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toMatch(/^npm test\b/m);
  });

  it("has TypeScript snippets for the audiences", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(2);
  });

  it("type-checks every TypeScript snippet against the sources", () => {
    const dir = join(root, "test", ".artifacts", "readme");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = snippets.map((code, i) => {
      const file = join(dir, `snippet-${i}.ts`);
      const body = code
        .replaceAll(
          'from "rapportkit/model"',
          `from ${JSON.stringify(join(root, "src/model/index.js"))}`,
        )
        .replaceAll('from "rapportkit"', `from ${JSON.stringify(join(root, "src/index.js"))}`);
      // Names a snippet leaves to the reader (their own LLM call) are declared here.
      writeFileSync(
        file,
        `declare function myLlm(prompt: string): Promise<string>;\n${body}\nexport {};\n`,
      );
      return file;
    });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: join(root, "tsconfig.json"),
        compilerOptions: { rootDir: root },
        include: [],
        files,
      }),
    );
    let output = "";
    try {
      execFileSync(
        process.execPath,
        [join(root, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")],
        {
          encoding: "utf8",
          stdio: "pipe",
        },
      );
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe("");
  });
});
