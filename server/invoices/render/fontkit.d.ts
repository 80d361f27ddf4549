/** fontkit ships no types; pdfkit takes any object with `layout` as an already-parsed font. */
declare module 'fontkit' {
  export interface Font { layout(text: string, features?: unknown): unknown }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
