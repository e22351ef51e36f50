/**
 * "Did you mean" suggestions for names a user typed (columns, options, commands).
 * @module
 * @internal
 */

/**
 * The edit distance between `a` and `b`: insertions, deletions, substitutions and transpositions
 * of adjacent characters, each costing 1 (the optimal string alignment distance; Damerau, 1964,
 * "A technique for computer detection and correction of spelling errors", CACM 7(3)).
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n] as number;
}

/**
 * The candidate closest to `name` (case-insensitive), or undefined when none is close: within
 * a third of the longer name's length (at least 1, at most 3 edits), or one name containing the
 * other. Ties go to the first candidate.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const want = name.trim().toLowerCase();
  if (want === "") return undefined;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const have = c.trim().toLowerCase();
    if (have === "") continue;
    let d = editDistance(want, have);
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(want.length, have.length) / 3)));
    if (d > limit) {
      if (want.length >= 3 && have.length >= 3 && (have.includes(want) || want.includes(have)))
        d = limit;
      else continue;
    }
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/**
 * True when every cell of a CSV's first line looks like a column name (short, no sentence
 * punctuation, at most four words), so the names can be shown in a message: a file without a
 * header row would otherwise have its first utterance quoted.
 */
export function looksLikeHeader(cells: readonly string[]): boolean {
  if (cells.length === 0) return false;
  return cells.every((c) => {
    const s = c.trim();
    return (
      s.length > 0 &&
      s.length <= 40 &&
      /^[\p{L}\p{N}_][\p{L}\p{N}_ .\-/#()]*$/u.test(s) &&
      !/[.]$/.test(s) &&
      s.split(/\s+/).length <= 4
    );
  });
}

/**
 * `; columns: a, b, c` for a header that looks like one (see {@link looksLikeHeader}), else a note
 * that line 1 is not shown. At most 30 names.
 */
export function columnsNote(header: readonly string[]): string {
  if (!looksLikeHeader(header))
    return `; line 1 (${header.length} fields) does not look like a header, so it is not shown`;
  const names = header.slice(0, 30).map((h) => h.trim());
  return `; columns: ${names.join(", ")}${header.length > 30 ? `, … (${header.length} in all)` : ""}`;
}
