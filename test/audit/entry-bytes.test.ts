/** The hand-written canonical form of a log entry is byte for byte the generic RFC 8785 one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryBytes, entryBytesGeneric, type UnhashedEntry } from '../../src/audit/hash-chain.js';

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u2028', '\uD800', '\u0000', '𠜎', '\u007f'));

const entry: fc.Arbitrary<UnhashedEntry> = fc.record({
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  projectId: text,
  event: text,
  fromState: text,
  toState: text,
  payload: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  actorId: text,
  actorRole: text,
  actorUnitId: fc.option(text, { nil: null }),
  at: text,
  requestId: text,
  machineId: text,
  machineVersion: fc.integer({ min: 0, max: 1000 }),
  prevHash: text,
});

describe('entryBytes', () => {
  it('equals the generic RFC 8785 serialisation for any entry', () => {
    fc.assert(fc.property(entry, (e) => entryBytes(e) === entryBytesGeneric(e)), { numRuns: 2000, seed: 8785 });
  });

  it('refuses numbers that JSON could not carry exactly', () => {
    const e = fc.sample(entry, { numRuns: 1, seed: 1 })[0]!;
    expect(() => entryBytes({ ...e, seq: 2 ** 60 })).toThrow(TypeError);
  });
});
