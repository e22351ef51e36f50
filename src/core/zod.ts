/**
 * The one place rapportkit imports zod: its functional API, `zod/mini` (same package, same core and
 * the same issues as `zod`), which a bundler shakes down to the schema kinds and checks the library
 * uses. The method API of `zod` cannot be shaken (every schema carries every method): it was 85 of
 * the 115 kB gzipped of a browser bundle of the rules classifier.
 *
 * `zod/mini` loads no locale, so every issue message would read "Invalid input". English is set
 * here as `zod` itself sets it when its first schema is built: only when the app has set no locale,
 * so an app's `z.config(z.locales.xx())` wins, before or after. Messages are the same as with `zod`.
 * @module
 */
import * as mini from "zod/mini";
import en from "zod/v4/locales/en.js";

if (!mini.config().localeError) mini.config(en());

export * from "zod/mini";

// Own bindings, not re-exports. A bundler that drops the modules whose exports nothing uses
// (rapportkit's "sideEffects": false) links a re-export straight to zod/mini and would drop this
// module, the statement above with it. Every module that builds schemas builds an object schema
// with these, so it keeps this module. (test/core.test.ts bundles each one and checks the messages.)
export const object: typeof mini.object = mini.object;
export const strictObject: typeof mini.strictObject = mini.strictObject;
