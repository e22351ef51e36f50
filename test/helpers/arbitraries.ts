/**
 * Shared fast-check arbitraries for hostile and well-formed inputs: random bytes decoded as text,
 * BOMs, CRLF and lone CR, NUL, lone surrogates, very long lines, deeply nested JSON, and
 * `__proto__`/`constructor`/`prototype` keys; plus generators of valid transcripts for round trips.
 */
import fc from "fast-check";
import type { Transcript, Utterance } from "../../src/core/schemas.js";

// ---------------------------------------------------------------------------------------------
// Hostile text

/** Keys that subvert naive object merging. */
export const PROTO_KEYS = ["__proto__", "constructor", "prototype"] as const;

/** Lone (unpaired) UTF-16 surrogates. */
export const loneSurrogate: fc.Arbitrary<string> = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((c) => String.fromCharCode(c));

/** Short strings of characters that break parsers: controls, quotes, separators, BOM, surrogates. */
export const nastyChar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "\r",
    "\n",
    "\r\n",
    "\ufeff",
    '"',
    "'",
    ",",
    ";",
    "\t",
    ":",
    "-->",
    "{",
    "}",
    "[",
    "]",
    "\\",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u001b[31m",
    "\ufffd",
    "WEBVTT",
    "00:00:01.000 --> 00:00:02.000",
    "00:00:01,000 --> 00:00:00,500",
    "99:99:99.999",
    "T:",
    "Client:",
    "__proto__",
    "constructor",
    "prototype",
  ),
  loneSurrogate,
  fc.string({ unit: "binary", maxLength: 4 }),
);

/** Random bytes decoded as UTF-8 (invalid sequences become U+FFFD) or as Latin-1. */
export const randomBytesText: fc.Arbitrary<string> = fc
  .tuple(fc.uint8Array({ maxLength: 400 }), fc.boolean())
  .map(([bytes, utf8]) =>
    utf8 ? new TextDecoder("utf-8").decode(bytes) : new TextDecoder("latin1").decode(bytes),
  );

/** Text made of nasty characters and ordinary words. */
export const nastyText: fc.Arbitrary<string> = fc
  .array(fc.oneof(nastyChar, fc.string({ maxLength: 8 }), fc.constantFrom(" ", "ok", "1")), {
    maxLength: 60,
  })
  .map((parts) => parts.join(""));

type Mutation = (s: string) => string;

/** One edit that damages a well-formed input in the ways real files are damaged. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>((s) => `\ufeff${s}`),
  fc.constant<Mutation>((s) => `\ufeff\ufeff${s}`),
  fc.constant<Mutation>((s) => s.replace(/\r?\n/g, "\r\n")),
  fc.constant<Mutation>((s) => s.replace(/\r?\n/g, "\r")),
  fc.constant<Mutation>((s) => s.replace(/"/g, "")),
  fc.constant<Mutation>((s) => s.replace(/"/g, '""')),
  fc.constant<Mutation>((s) => `${s}\u0000`),
  fc.nat().map<Mutation>((k) => (s) => s.slice(0, s.length ? k % s.length : 0)),
  fc.tuple(fc.nat(), nastyChar).map<Mutation>(([k, c]) => (s) => {
    const i = s.length ? k % (s.length + 1) : 0;
    return s.slice(0, i) + c + s.slice(i);
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 20 })).map<Mutation>(([k, n]) => (s) => {
    const i = s.length ? k % s.length : 0;
    return s.slice(0, i) + s.slice(i + n);
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 30 })).map<Mutation>(([k, n]) => (s) => {
    // Duplicate a slice (a repeated line, header or cue).
    const i = s.length ? k % s.length : 0;
    return s.slice(0, i + n) + s.slice(i, i + n) + s.slice(i + n);
  }),
);

/** A well-formed `base` damaged by 1–4 random edits. */
export function mutated(base: string): fc.Arbitrary<string> {
  return fc
    .array(mutation, { minLength: 1, maxLength: 4 })
    .map((ms) => ms.reduce((s, m) => m(s), base));
}

/** JSON arrays nested `depth` deep, optionally with an object at the bottom. */
export function deepJsonArray(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

/** An unterminated run of `[` (the classic stack-overflow probe). */
export function unterminatedJson(depth: number): string {
  return "[".repeat(depth);
}

/** JSON objects nested `depth` deep under the key `k`. */
export function deepJsonObject(depth: number, k = "a"): string {
  return `${`{"${k}":`.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Deeply nested JSON texts (10,000 levels). */
export const deepJsonText: fc.Arbitrary<string> = fc.constantFrom(
  deepJsonArray(10_000),
  unterminatedJson(10_000),
  deepJsonObject(10_000),
  deepJsonObject(10_000, "__proto__"),
  `{"id":"s","utterances":${deepJsonArray(10_000)}}`,
  `{"transcripts":[{"id":"s","utterances":[{"text":${deepJsonArray(5_000)}}]}]}`,
);

/** JSON objects carrying prototype-polluting keys (as own properties, as `JSON.parse` makes them). */
export const protoJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '[{"__proto__":{"polluted":"yes"},"text":"x"}]',
    '{"id":"s","utterances":[{"text":"x","__proto__":{"polluted":"yes"},"metadata":{"__proto__":{"polluted":"yes"}}}]}',
    '{"id":"s","__proto__":{"polluted":"yes"},"metadata":{"constructor":{"prototype":{"polluted":"yes"}}},"utterances":[]}',
    '{"transcripts":{"__proto__":[1]}}',
    '{"session":"__proto__","speaker":"__proto__","text":"x","metadata":{"__proto__":{"polluted":1}}}',
    '{"session":"constructor","id":"prototype","speaker":"constructor","role":"therapist","text":"x"}',
  ),
  fc
    .tuple(fc.constantFrom(...PROTO_KEYS), fc.constantFrom(...PROTO_KEYS), fc.jsonValue())
    .map(([a, b, v]) => JSON.stringify({ [a]: { [b]: { polluted: v } } })),
);

/**
 * Any hostile text: random bytes, nasty characters, damaged well-formed inputs (`bases`), deep JSON
 * and prototype keys. `bases` are valid examples of the format under test.
 */
export function hostileText(bases: readonly string[]): fc.Arbitrary<string> {
  const damaged = bases.length
    ? fc.constantFrom(...bases).chain((b) => mutated(b))
    : fc.constant("");
  return fc.oneof(
    { weight: 2, arbitrary: randomBytesText },
    { weight: 2, arbitrary: nastyText },
    { weight: 5, arbitrary: damaged },
    { weight: 1, arbitrary: deepJsonText },
    { weight: 1, arbitrary: protoJsonText },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  );
}

/** A single line of about `bytes` characters (default 1 MB): one long utterance, or junk. */
export const hugeLine: (bytes?: number) => fc.Arbitrary<string> = (bytes = 1 << 20) =>
  fc
    .constantFrom("a", "\u0000", '"', ",", "[", "\ufffd", "é", "ab ", "T: ", "-->")
    .map((unit) => unit.repeat(Math.ceil(bytes / unit.length)));

// ---------------------------------------------------------------------------------------------
// Hostile structured values (for codebook and model loaders)

type Path = (string | number)[];

/** Up to 2,000 paths into `base` (objects and arrays at most 40 deep), root first. */
function pathsOf(base: unknown, objectsOnly: boolean): Path[] {
  const out: Path[] = [];
  const stack: { v: unknown; p: Path }[] = [{ v: base, p: [] }];
  while (stack.length > 0 && out.length < 2000) {
    const { v, p } = stack.pop() as { v: unknown; p: Path };
    const isObj = v !== null && typeof v === "object";
    if (!objectsOnly || (isObj && !Array.isArray(v))) out.push(p);
    if (!isObj || p.length >= 40) continue;
    for (const k of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[k];
      stack.push({ v: child, p: [...p, Array.isArray(v) ? Number(k) : k] });
    }
  }
  return out;
}

/** Sets an own property (also `__proto__`) without invoking any setter. */
function setOwn(o: Record<string | number, unknown>, k: string | number, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A copy of `base` with `edit` applied to the node at `path` (only the path is copied). */
function editAt(base: unknown, path: Path, edit: (node: unknown) => unknown): unknown {
  if (path.length === 0) return edit(base);
  const [k, ...rest] = path as [string | number, ...Path];
  const node = base as Record<string | number, unknown>;
  const copy = (Array.isArray(node) ? [...node] : { ...node }) as Record<string | number, unknown>;
  setOwn(copy, k, editAt(node[k], rest, edit));
  return copy;
}

/** Replaces the value at a random path inside `base` with `replacement`. */
function replaceAt(base: unknown, pick: number, replacement: unknown): unknown {
  const paths = pathsOf(base, false);
  return editAt(base, paths[pick % paths.length] as Path, () => replacement);
}

/** Adds an own key (possibly `__proto__`) at a random object inside `base`, as JSON.parse would. */
function addKeyAt(base: unknown, pick: number, key: string, value: unknown): unknown {
  const paths = pathsOf(base, true);
  if (paths.length === 0) {
    const o: Record<string, unknown> = {};
    setOwn(o, key, value);
    return o;
  }
  return editAt(base, paths[pick % paths.length] as Path, (node) => {
    const copy = { ...(node as Record<string, unknown>) };
    setOwn(copy, key, value);
    return copy;
  });
}

/** A hostile value to put somewhere in a structure. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, 0, -1, 1e308, "", "\u0000", "\ud800", [], {}, true, "__proto__", {
    polluted: "yes",
  }),
  fc.jsonValue({ maxDepth: 3 }),
  nastyText,
  fc.constant(JSON.parse(deepJsonArray(10_000))),
  fc.constant(JSON.parse(deepJsonObject(10_000))),
);

/** A well-formed `base` (a codebook, a model) damaged at 1–3 random places. */
export function damagedValue(base: unknown): fc.Arbitrary<unknown> {
  const edit = fc.oneof(
    fc.tuple(fc.nat(), hostileValue).map(
      ([pick, v]) =>
        (b: unknown) =>
          replaceAt(b, pick, v),
    ),
    fc.tuple(fc.nat(), fc.constantFrom(...PROTO_KEYS), hostileValue).map(
      ([pick, k, v]) =>
        (b: unknown) =>
          addKeyAt(b, pick, k, v),
    ),
  );
  return fc
    .array(edit, { minLength: 1, maxLength: 3 })
    .map((edits) => edits.reduce((b, e) => e(b), base));
}

/** Any JSON-ish value an untrusted file could parse to, plus damaged versions of `bases`. */
export function hostileJsonValue(bases: readonly unknown[]): fc.Arbitrary<unknown> {
  const parsedText = hostileText([]).map((t) => {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return t;
    }
  });
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...bases).chain((b) => damagedValue(b)) },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: parsedText },
    { weight: 1, arbitrary: protoJsonText.map((t) => JSON.parse(t) as unknown) },
    { weight: 1, arbitrary: deepJsonText.filter(isJson).map((t) => JSON.parse(t) as unknown) },
  );
}

function isJson(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Prototype pollution guard

/** A snapshot of the built-in prototypes' own keys, to compare after each run. */
export function prototypeSnapshot(): string {
  const names = (o: object) => Reflect.ownKeys(o).map(String).sort().join(",");
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map(names)
    .join("|");
}

/** Throws when a prototype gained a key or `({}).polluted` is set. */
export function assertNoPollution(before: string): void {
  const probe = {} as Record<string, unknown>;
  if (probe.polluted !== undefined || ([] as unknown as Record<string, unknown>).polluted)
    throw new Error("prototype polluted: ({}).polluted is set");
  const after = prototypeSnapshot();
  if (after !== before) throw new Error("prototype polluted: a built-in prototype changed");
}

// ---------------------------------------------------------------------------------------------
// Well-formed transcripts (for "nothing lost" round trips)

/** Text an utterance may hold: any printable Unicode, quotes, commas, newlines (per format). */
export function utteranceText(opts: {
  newlines?: boolean;
  trimmed?: boolean;
  minLength?: number;
}): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("a", "b", "z", "I", " ", "é", "ß", "你", "😀") },
    { weight: 2, arbitrary: fc.constantFrom(",", '"', "'", ";", "?", "!", ".", ":", "-", "\t") },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme-composite", maxLength: 2 }) },
    ...(opts.newlines
      ? [{ weight: 1, arbitrary: fc.constantFrom("\n", "\r\n") }]
      : ([] as { weight: number; arbitrary: fc.Arbitrary<string> }[])),
  );
  let arb = fc
    .array(unit, { minLength: opts.minLength ?? 0, maxLength: 40 })
    .map((a) => a.join(""));
  if (opts.trimmed) arb = arb.map((s) => s.replace(/\s+/g, " ").trim());
  if (opts.minLength) arb = arb.filter((s) => s.length >= (opts.minLength ?? 0));
  return arb;
}

const idPart = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);

/** Options of {@link transcriptsArb}. */
export interface TranscriptsArbOptions {
  readonly maxSessions?: number;
  readonly maxUtterances?: number;
  readonly newlines?: boolean;
  readonly trimmed?: boolean;
  readonly minTextLength?: number;
  readonly times?: boolean;
}

/**
 * Valid transcripts with distinct session ids; utterance ids `<session>:<index>` unless `customIds`;
 * speakers `Therapist`/`Client`/`Other` matching roles.
 */
export function transcriptsArb(o: TranscriptsArbOptions = {}): fc.Arbitrary<Transcript[]> {
  const utt = fc.record({
    role: fc.constantFrom("therapist", "client") as fc.Arbitrary<"therapist" | "client">,
    text: utteranceText({
      newlines: o.newlines ?? false,
      trimmed: o.trimmed ?? false,
      minLength: o.minTextLength ?? 0,
    }),
    dur: fc.integer({ min: 1, max: 9000 }),
  });
  return fc.uniqueArray(idPart, { minLength: 1, maxLength: o.maxSessions ?? 3 }).chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.array(utt, { minLength: 1, maxLength: o.maxUtterances ?? 8 }).map((us) => {
          let t = 0;
          const utterances: Utterance[] = us.map((u, index) => {
            const start = t;
            const end = t + u.dur / 1000;
            t = end;
            return {
              id: `${id}:${index}`,
              session: id,
              index,
              speaker: u.role === "therapist" ? "Therapist" : "Client",
              role: u.role,
              text: u.text,
              ...(o.times
                ? { start: Math.round(start * 1000) / 1000, end: Math.round(end * 1000) / 1000 }
                : {}),
            };
          });
          return { id, utterances } satisfies Transcript;
        }),
      ),
    ),
  );
}

/** The fields every reader must give back unchanged, in order. */
export function essence(ts: readonly Transcript[]): {
  id: string;
  session: string;
  index: number;
  role: string;
  text: string;
}[] {
  return ts.flatMap((t) =>
    t.utterances.map((u) => ({
      id: u.id,
      session: u.session,
      index: u.index,
      role: u.role,
      text: u.text,
    })),
  );
}
