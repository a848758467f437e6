/** Types of the stand-alone verifier (plain JavaScript, so that it runs without the service). */
import type { KeyObject } from 'node:crypto';

export const GENESIS_HASH: string;
export const FORMAT: string;
export const FORMATS: readonly string[];
export const HASHED_FIELDS: Readonly<Record<1 | 2, readonly string[]>>;
export function canonicalize(value: unknown): string;
export function sha256Hex(data: string | Buffer): string;
export function entryHash(entry: Record<string, unknown>): string;
export function rawEd25519(publicKey: KeyObject): Buffer;
export function noteKeyId(name: string, publicKey: KeyObject): Buffer;

export interface VerifierCheck {
  name: 'manifest' | 'checksums' | 'key' | 'machines' | 'checkpoints' | 'kept' | 'chain' | 'replay' | 'tables';
  title: string;
  ok: boolean;
  summary: string;
  failures: string[];
  failureCount: number;
  warnings: string[];
  /** The tables check: every divergence counted, the first 100 named, rows per table. */
  divergenceCount?: number;
  divergences?: import('./tables-replay.mjs').Divergence[];
  tables?: import('./tables-replay.mjs').TablesVerdict['tables'];
}

export interface VerifierReport {
  ok: boolean;
  bundle: string;
  origin: string | null;
  checks: VerifierCheck[];
}

export function verifyBundle(dir: string, options?: { kept?: Array<{ label: string; text: string }>; trustedPublicKeyPem?: string | null }): Promise<VerifierReport>;
