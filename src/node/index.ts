/**
 * Node.js helpers: read and write transcript files, streaming where the input can be large.
 * @module
 */
export {};
