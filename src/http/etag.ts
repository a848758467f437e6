import { Problem } from './problems.js';

export const etagOf = (version: number): string => `"${version}"`;

/** The version an If-Match header names; null when absent or `*`. */
export function parseIfMatch(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '*') return null;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match?.[1]) {
    throw new Problem('validation-failed', 'If-Match 须为本接口返回的 ETag，如 "3" / If-Match must be an ETag this API returned, e.g. "3"', {
      field: 'If-Match',
    });
  }
  return Number(match[1]);
}
