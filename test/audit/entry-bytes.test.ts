/**
 * The hand-written canonical form of a log entry is byte for byte the generic RFC 8785 one, in
 * both entry formats, and the form SQLite builds for bulk verification is byte for byte the
 * hand-written one; the native chain walk hashes those same bytes, and is in doubt wherever it
 * could not be sure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTRY_BYTES_SQL, entryBytes, entryBytesGeneric, entryHash, type UnhashedEntry } from '../../src/workflow/hash-chain.js';
import { NATIVE_WALK_SQL, nativeChainWalk } from '../../src/audit/parallel-verify.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import type { SubjectKind } from '../../src/db/schema.js';

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u2028', '\uD800', '\u0000', '𠜎', '\u007f'));

/**
 * Any entry of either format; the kind is any text (the bytes must not depend on it being one of
 * SUBJECT_KINDS), and a format-1 entry's kind is its machine's, as every such row's is.
 */
const entry: fc.Arbitrary<UnhashedEntry> = fc
  .record({
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    format: fc.constantFrom(1, 2),
    subjectKind: text.map((kind) => kind as SubjectKind),
    subjectId: text,
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
  })
  .map((e) => (e.format === 1 ? { ...e, subjectKind: e.machineId as SubjectKind } : e));

// SQLite text is UTF-8: a lone surrogate cannot be stored, so none is ever appended.
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;
const storable = entry.filter((e) => Object.values(e).every((v) => typeof v !== 'string' || wellFormed(v)));

/** An in-memory log whose rows the tests write directly; `hash` is whatever they pass. */
function scratchLog() {
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  const insert = db.$client.prepare(
    `INSERT INTO transition_log (seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role,
       actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash)
     VALUES (@seq, @format, @subjectKind, @subjectId, @event, @fromState, @toState, @payload, @actorId, @actorRole, @actorUnitId, @at,
       @requestId, @machineId, @machineVersion, @prevHash, @hash)`,
  );
  return { sqlite: db.$client, insert };
}

/** Every Unicode scalar value below `end`, each after an 'a', in chunks of `size` code points. */
function* characterChunks(end: number, size: number): Generator<{ start: number; chunk: string }> {
  for (let start = 0; start < end; start += size) {
    let chunk = '';
    for (let c = start; c < start + size; c += 1) if (c < 0xd800 || c > 0xdfff) chunk += `a${String.fromCodePoint(c)}`;
    yield { start, chunk };
  }
}

describe('entryBytes', () => {
  it('equals the generic RFC 8785 serialisation for any entry', () => {
    fc.assert(
      fc.property(entry, (e) => entryBytes(e) === entryBytesGeneric(e)),
      { numRuns: 2000, seed: 8785 },
    );
  });

  it('refuses numbers that JSON could not carry exactly', () => {
    const e = fc.sample(entry, { numRuns: 1, seed: 1 })[0]!;
    expect(() => entryBytes({ ...e, seq: 2 ** 60 })).toThrow(TypeError);
  });

  it('lays out format 2 with the kind, the id and the format, and format 1 as entries were hashed before', () => {
    const e: UnhashedEntry = {
      seq: 7,
      format: 2,
      subjectKind: 'round',
      subjectId: 'r-1',
      event: 'CLOSE_SUBMISSIONS',
      fromState: 'open',
      toState: 'submissions_closed',
      payload: '{}',
      actorId: 'u-1',
      actorRole: 'org_dept',
      actorUnitId: null,
      at: '2023-03-30T01:00:00.000Z',
      requestId: 'req-1',
      machineId: 'round',
      machineVersion: 1,
      prevHash: '0'.repeat(64),
    };
    expect(entryBytes(e)).toBe(
      '{"actorId":"u-1","actorRole":"org_dept","actorUnitId":null,"at":"2023-03-30T01:00:00.000Z","event":"CLOSE_SUBMISSIONS","format":2,' +
        `"fromState":"open","machineId":"round","machineVersion":1,"payload":"{}","prevHash":"${'0'.repeat(64)}","requestId":"req-1","seq":7,` +
        '"subjectId":"r-1","subjectKind":"round","toState":"submissions_closed"}',
    );
    // Format 1: the layout of every row hashed before subjects had a kind, the id under "projectId".
    expect(entryBytes({ ...e, format: 1 })).toBe(
      '{"actorId":"u-1","actorRole":"org_dept","actorUnitId":null,"at":"2023-03-30T01:00:00.000Z","event":"CLOSE_SUBMISSIONS",' +
        `"fromState":"open","machineId":"round","machineVersion":1,"payload":"{}","prevHash":"${'0'.repeat(64)}","projectId":"r-1",` +
        '"requestId":"req-1","seq":7,"toState":"submissions_closed"}',
    );
    expect(entryHash({ ...e, subjectKind: 'project' })).not.toBe(entryHash(e));
    expect(entryHash({ ...e, format: 1 })).not.toBe(entryHash(e));
  });

  it('has no bytes for an unknown format, or for a format-1 entry whose kind is not its machine', () => {
    const e = fc.sample(entry, { numRuns: 1, seed: 5 })[0]!;
    for (const format of [0, 3, 1.5, Number.NaN]) {
      expect(() => entryBytes({ ...e, format }), `format ${format}`).toThrow(TypeError);
      expect(() => entryBytesGeneric({ ...e, format }), `format ${format}`).toThrow(TypeError);
    }
    const legacy = { ...e, format: 1, machineId: 'project', subjectKind: 'project' as const };
    expect(() => entryBytes(legacy)).not.toThrow();
    expect(() => entryBytes({ ...legacy, subjectKind: 'round' })).toThrow(TypeError);
    expect(() => entryBytesGeneric({ ...legacy, subjectKind: 'round' })).toThrow(TypeError);
  });
});

describe('ENTRY_BYTES_SQL', () => {
  const { sqlite, insert } = scratchLog();
  const select = sqlite.prepare(`SELECT ${ENTRY_BYTES_SQL} FROM transition_log WHERE seq = ?`).pluck();
  let seq = 0;
  const sqlBytes = (e: UnhashedEntry) => {
    seq += 1;
    insert.run({ ...e, seq, hash: '' });
    return select.get(seq) as string;
  };

  it('equals entryBytes for any storable entry', () => {
    fc.assert(
      fc.property(storable, (e) => sqlBytes(e) === entryBytes({ ...e, seq })),
      { numRuns: 1000, seed: 3986 },
    );
  });

  it('is NULL where entryBytes has no bytes: an unknown format, a format-1 row of another kind than its machine', () => {
    const base = fc.sample(storable, { numRuns: 1, seed: 6 })[0]!;
    expect(sqlBytes({ ...base, format: 3 })).toBeNull();
    expect(sqlBytes({ ...base, format: 1, machineId: 'round', subjectKind: 'project' })).toBeNull();
    expect(sqlBytes({ ...base, format: 1, machineId: 'round', subjectKind: 'round' })).toBe(entryBytes({ ...base, format: 1, machineId: 'round', subjectKind: 'round', seq }));
  });

  it('escapes every character of the Basic Multilingual Plane as entryBytes does', () => {
    const base = fc.sample(storable, { numRuns: 1, seed: 2 })[0]!;
    for (const { start, chunk } of characterChunks(0x10000, 512)) {
      const e = { ...base, payload: chunk, actorId: chunk.slice(0, 64), actorUnitId: start % 1024 === 0 ? null : chunk };
      expect(sqlBytes(e), `characters from ${start.toString(16)}`).toBe(entryBytes({ ...e, seq }));
    }
  });
});

describe('the native chain walk', () => {
  const native = nativeChainWalk();

  it('is built wherever the tests run in CI', () => {
    if (process.env.CI) expect(native, 'dist/native/lixiang-chain-walk.so (npm ci builds it)').not.toBeNull();
  });

  describe.runIf(native)('over single rows', () => {
    if (!native) return; // not built here (no C compiler): skipped, and nothing to load
    const { sqlite, insert } = scratchLog();
    sqlite.loadExtension(native);
    sqlite.exec('DROP TRIGGER transition_log_no_update');
    const walk = sqlite.prepare(NATIVE_WALK_SQL).pluck();
    const prevHash = 'a'.repeat(64);
    let seq = 0;
    /** Appends the entry hashed as at append time; what the native walk says of it. */
    const vouch = (e: UnhashedEntry, tamper?: string) => {
      seq += 1;
      const row = { ...e, seq, prevHash };
      insert.run({ ...row, hash: entryHash(row) });
      if (tamper) sqlite.prepare(tamper).run(seq);
      return walk.get(seq, seq) as string | null;
    };

    it('vouches for any storable entry hashed by entryBytes', () => {
      fc.assert(
        fc.property(storable, (e) => vouch(e) === `ok 1 ${seq} ${prevHash} ${entryHash({ ...e, seq, prevHash })}`),
        { numRuns: 1000, seed: 1729 },
      );
    });

    it('escapes every character of every Unicode plane as entryBytes does', () => {
      const base = fc.sample(storable, { numRuns: 1, seed: 3 })[0]!;
      for (const { start, chunk } of characterChunks(0x110000, 2048)) {
        const e = { ...base, payload: chunk, at: chunk.slice(0, 99), actorUnitId: start % 4096 === 0 ? null : chunk };
        expect(vouch(e), `characters from ${start.toString(16)}`).toMatch(/^ok 1 /);
      }
    });

    it('escapes a character needing care at every place of an eight-byte run, as entryBytes does', () => {
      const base = fc.sample(storable, { numRuns: 1, seed: 5 })[0]!;
      const careful = ['"', '\\', '\n', '\u0001', '\u001f', '\u007f', 'é', '中', '😀', ' ', '~'];
      for (const character of careful) {
        for (let at = 0; at <= 24; at += 1) {
          const text = `${'a'.repeat(at)}${character}${'b'.repeat(24 - at)}`;
          expect(vouch({ ...base, payload: text, requestId: text }), `${JSON.stringify(character)} after ${at} bytes`).toMatch(/^ok 1 /);
        }
      }
    });

    it('is in doubt wherever the JavaScript walk must decide', () => {
      const base = fc.sample(storable, { numRuns: 1, seed: 4 })[0]!;
      const doubts = [
        "UPDATE transition_log SET payload = payload || ' ' WHERE seq = ?", // content changed
        'UPDATE transition_log SET hash = upper(hash) WHERE seq = ?', // not the lowercase digest
        'UPDATE transition_log SET machine_version = 9007199254740993 WHERE seq = ?', // past the safe integers
        'UPDATE transition_log SET actor_id = CAST(actor_id AS BLOB) WHERE seq = ?', // same bytes, another type
        "UPDATE transition_log SET event = CAST(x'c0af' AS TEXT) WHERE seq = ?", // overlong UTF-8
        "UPDATE transition_log SET event = CAST(x'eda080' AS TEXT) WHERE seq = ?", // an encoded surrogate
        "UPDATE transition_log SET prev_hash = 'genesis' WHERE seq = ?", // not a digest
        'UPDATE transition_log SET format = 3 WHERE seq = ?', // a format it does not know
        'UPDATE transition_log SET format = 3 - format WHERE seq = ?', // the other format's bytes
        "UPDATE transition_log SET format = x'02' WHERE seq = ?", // a BLOB in the integer column
        "UPDATE transition_log SET subject_kind = subject_kind || 'x' WHERE seq = ?", // a kind it hashes (format 2) or binds (format 1)
        'UPDATE transition_log SET subject_kind = CAST(subject_kind AS BLOB) WHERE seq = ?', // same bytes, another type
      ];
      for (const format of [1, 2]) {
        const e = { ...base, event: 'x', format, subjectKind: (format === 1 ? base.machineId : 'project') as SubjectKind };
        for (const tamper of doubts) expect(vouch(e, tamper), `format ${format}: ${tamper}`).toBeNull();
        expect(vouch(e)).toMatch(/^ok 1 /);
      }
    });
  });
});
