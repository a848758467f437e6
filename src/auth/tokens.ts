import { createHash, randomBytes } from 'node:crypto';

/** A bearer token: 256 random bits, base64url, with a prefix that secret scanners recognise. */
export function generateToken(): string {
  return `lx_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored only as this hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
