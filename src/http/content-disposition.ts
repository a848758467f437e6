/**
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 with the
 * RFC 5987/8187 encoding), so that every client gets a usable name and modern ones the exact one.
 * The fallback is `asciiName` (by default the name itself) with anything but printable ASCII, and
 * the quote and backslash, replaced by `_`.
 */
export function contentDisposition(fileName: string, asciiName = fileName): string {
  const fallback = asciiName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
