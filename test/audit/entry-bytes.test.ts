/**
 * The hand-written canonical form of a log entry is byte for byte the generic RFC 8785 one, and
 * the form SQLite builds for bulk verification is byte for byte the hand-written one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTRY_BYTES_SQL, entryBytes, entryBytesGeneric, type UnhashedEntry } from '../../src/audit/hash-chain.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';

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

describe('ENTRY_BYTES_SQL', () => {
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  const insert = db.$client.prepare(
    `INSERT INTO transition_log (seq, project_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at,
       request_id, machine_id, machine_version, prev_hash, hash)
     VALUES (@seq, @projectId, @event, @fromState, @toState, @payload, @actorId, @actorRole, @actorUnitId, @at, @requestId,
       @machineId, @machineVersion, @prevHash, '')`,
  );
  const select = db.$client.prepare(`SELECT ${ENTRY_BYTES_SQL} FROM transition_log WHERE seq = ?`).pluck();
  let seq = 0;
  const sqlBytes = (e: UnhashedEntry) => {
    seq += 1;
    insert.run({ ...e, seq });
    return select.get(seq) as string;
  };
  // SQLite text is UTF-8: a lone surrogate cannot be stored, so none is ever appended.
  const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;
  const storable = entry.filter((e) => Object.values(e).every((v) => typeof v !== 'string' || wellFormed(v)));

  it('equals entryBytes for any storable entry', () => {
    fc.assert(fc.property(storable, (e) => sqlBytes(e) === entryBytes({ ...e, seq })), { numRuns: 1000, seed: 3986 });
  });

  it('escapes every character of the Basic Multilingual Plane as entryBytes does', () => {
    const base = fc.sample(storable, { numRuns: 1, seed: 2 })[0]!;
    for (let start = 0; start < 0x10000; start += 512) {
      let chunk = '';
      for (let c = start; c < start + 512; c += 1) if (c < 0xd800 || c > 0xdfff) chunk += `a${String.fromCharCode(c)}`;
      const e = { ...base, payload: chunk, actorId: chunk.slice(0, 64), actorUnitId: start % 1024 === 0 ? null : chunk };
      expect(sqlBytes(e), `characters from ${start.toString(16)}`).toBe(entryBytes({ ...e, seq }));
    }
  });
});
