/** Imported first by CLI tests: no ANSI colours from citty or anything else. */
process.env.NO_COLOR = "1";
process.env.FORCE_COLOR = "0";
delete process.env.COLORTERM;
export const NO_COLOR = true;
