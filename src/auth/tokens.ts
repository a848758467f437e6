import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../audit/table-rules.js';

/** A bearer token: 256 random bits, base64url, with a prefix that secret scanners recognise. */
export function generateToken(): string {
  return `lx_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored only as this hash (one-shot SHA-256: it runs on every authenticated request). */
export function hashToken(token: string): string {
  return sha256Hex(token);
}
