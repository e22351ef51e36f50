import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, renderReport } from "../../src/report/index.js";

const decode = (s: string) =>
  s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters escapeHtml replaces
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

describe("escapeHtml (property)", () => {
  it("leaves no markup character and decodes back to the input (control characters aside)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(e).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
        expect(decode(e)).toBe(s.replace(CONTROL, "\ufffd"));
      }),
      { seed: 6, numRuns: 500 },
    );
  });

  it("no utterance text, speaker or id adds an element to the report", () => {
    const markup = fc.constantFrom(
      "<script>",
      "</svg>",
      "<img src=x onerror=1>",
      '"><a href=x>',
      "-->",
      "<!--",
      "]]>",
    );
    const text = fc
      .array(fc.oneof(markup, fc.string({ maxLength: 10 })), { maxLength: 6 })
      .map((a) => a.join(""));
    const baseline = renderReport([
      {
        transcript: {
          id: "s",
          utterances: [
            { id: "u", session: "s", index: 0, speaker: "T", role: "therapist", text: "x" },
          ],
        },
      },
    ]);
    const tags = (html: string) => (html.match(/<[a-zA-Z!/]/g) ?? []).length;
    fc.assert(
      fc.property(text, text, text, (t, speaker, id) => {
        const html = renderReport([
          {
            transcript: {
              id: `s${id}`,
              utterances: [
                {
                  id: `u${id}`,
                  session: "s",
                  index: 0,
                  speaker: `T${speaker}`,
                  role: "therapist",
                  text: t,
                },
              ],
            },
            codings: [{ utteranceId: `u${id}`, codeId: `c${t}`, confidence: 0.5, source: "x" }],
          },
        ]);
        // As many tags as the same report with one plain coding (the coded one adds the legend item,
        // the distribution bar and their table rows: a fixed number).
        const plain = renderReport([
          {
            transcript: {
              id: "s",
              utterances: [
                { id: "u", session: "s", index: 0, speaker: "T", role: "therapist", text: "x" },
              ],
            },
            codings: [{ utteranceId: "u", codeId: "c", confidence: 0.5, source: "x" }],
          },
        ]);
        expect(tags(html)).toBe(tags(plain));
        expect(tags(plain)).toBeGreaterThan(tags(baseline));
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
