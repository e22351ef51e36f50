/** The demo session's WebVTT text, bundled by esbuild's `text` loader (scripts/build-live-browser.mjs). */
declare module "*.vtt" {
  const text: string;
  export default text;
}
