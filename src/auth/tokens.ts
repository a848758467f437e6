import crypto, { createHash, randomBytes } from 'node:crypto';

// One-shot hashing (Node ≥ 20.12) where available: this runs on every authenticated request.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** A bearer token: 256 random bits, base64url, with a prefix that secret scanners recognise. */
export function generateToken(): string {
  return `lx_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored only as this hash. */
export function hashToken(token: string): string {
  return oneShotHash ? oneShotHash('sha256', token, 'hex') : createHash('sha256').update(token, 'utf8').digest('hex');
}
