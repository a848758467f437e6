/**
 * A request URL as it may be written down (a log line, a stored refusal): a bearer token that a
 * client put in it — by mistake, under any parameter name or in the path — is never kept.
 */

/** Query parameters whose values are never kept, whatever they hold. */
const SECRET_PARAM = /token|key|secret|password|auth/i;
/** The service's bearer tokens (src/auth/tokens.ts), wherever they stand in a URL. */
const TOKEN = /lx_[A-Za-z0-9._~+/=%-]+/g;

export const REDACTED = '[redacted]';

export function redactedUrl(url: string): string {
  const query = url.indexOf('?');
  const path = (query < 0 ? url : url.slice(0, query)).replace(TOKEN, REDACTED);
  if (query < 0) return path;
  const params = new URLSearchParams(url.slice(query + 1));
  for (const [name, value] of [...params.entries()]) {
    if (SECRET_PARAM.test(name)) params.set(name, REDACTED);
    else if (TOKEN.test(value)) params.set(name, value.replace(TOKEN, REDACTED));
    TOKEN.lastIndex = 0;
  }
  return `${path}?${params.toString()}`;
}
