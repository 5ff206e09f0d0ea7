/**
 * Whether a value is an absolute http(s) URL, the only kind a vendor can fetch an input from. The one
 * check for it: validation, the library's chaining and the vendor layer all ask here.
 */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}
