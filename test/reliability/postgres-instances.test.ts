/**
 * Three instances of the built service on one PostgreSQL database (issue 18, item 3): started at
 * once on an empty database, they need no coordination but the database's. Conflicting events from
 * all three at once apply exactly once; a load over all three leaves one gap-free chain; an
 * Idempotency-Key holds across instances; checkpoints signed by several instances keep gap-free
 * ids under the one shared key. Runs with TEST_POSTGRES_URL set; creates and drops its own database.
 */
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteKeyId, parseCheckpoint, signedBy } from '../../src/audit/checkpoints.js';
import {
  ADMIN,
  LOAD_WRITE,
  SKIP_NOTE,
  TEST_POSTGRES_URL,
  counts,
  createDatabase,
  createPeople,
  inProgressProjects,
  linkProblems,
  ok,
  readLog,
  runLoad,
  send,
  sleep,
  startInstance,
  stopInstance,
  tail,
  verifyVerdict,
  withPg,
  writeSigningKey,
  type Answer,
  type Instance,
  type People,
} from './postgres-harness.js';

const LOAD_EVENTS = Number(process.env.PG_INSTANCES_LOAD ?? 600);
const CONFLICT_ROUNDS = Number(process.env.PG_INSTANCES_CONFLICTS ?? 40);
const LETTER = { rationale: 'r', activities: [{ content: 'c', form: 'f', when: 'w' }], expectedOutcomes: 'e', leader: 'l', members: ['m'], contact: 'c' };
const problem = (kind: string) => `urn:lixiang:problem:${kind}`;
const report = (line: string) => process.stdout.write(`postgres-instances: ${line}\n`);

describe.skipIf(!TEST_POSTGRES_URL)(`Three instances on one PostgreSQL database${SKIP_NOTE}`, () => {
  let database: Awaited<ReturnType<typeof createDatabase>> | null = null;
  let dir = '';
  let keyFile = '';
  const instances: Instance[] = [];
  let world: People & { projectIds: string[] };
  /** The in-progress projects, made once, by the first test that needs them. */
  let making: Promise<string[]> | null = null;
  const inProgress = async () => {
    making ??= inProgressProjects(first().base, world, 20);
    world.projectIds = await making;
    return world.projectIds;
  };

  beforeAll(async () => {
    database = await createDatabase('instances');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-pg-instances-'));
    keyFile = writeSigningKey(dir);
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => stopInstance(instance)));
    await database?.drop();
    // PG_KEEP_LOGS=1 keeps the instances' logs and witnesses for a look after a failure.
    if (dir && process.env.PG_KEEP_LOGS !== '1') fs.rmSync(dir, { recursive: true, force: true });
    else if (dir) process.stdout.write(`instance logs kept in ${dir}\n`);
  });

  const first = () => instances[0]!;
  const second = () => instances[1]!;
  const third = () => instances[2]!;

  it('1. three instances started at once on one empty database migrate it once, and all serve the same data', async () => {
    const started = Date.now();
    const names = ['i1', 'i2', 'i3'];
    const ready: Record<string, number> = {};
    const startOne = async (name: string) => {
      const instance = await startInstance({ url: database!.url, dir, name, keyFile });
      ready[name] = Date.now() - started;
      return instance;
    };
    instances.push(...(await Promise.all(names.map(startOne))));
    report(`3 instances started concurrently on an empty database; /healthz 200 after ${JSON.stringify(ready)} ms`);

    // Each migration ran once, under the migration lock.
    const migrationFiles = fs.readdirSync(path.resolve(import.meta.dirname, '../../migrations/pg')).filter((f) => f.endsWith('.sql')).length;
    const applied = await withPg(database!.url, async (client) => Number((await client.query('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).rows[0].n));
    expect(applied).toBe(migrationFiles);
    // One administrator for the shared token, however many instances ensured it.
    const admins = await withPg(database!.url, async (client) => Number((await client.query("SELECT count(*) AS n FROM users WHERE role = 'admin'")).rows[0].n));
    expect(admins).toBe(1);

    // The people and units made through instance 1 are seen as they are from 2 and 3.
    world = { ...(await createPeople(first().base)), projectIds: [] };
    const views = await Promise.all(instances.map((instance) => ok(instance.base, ADMIN, 'GET', '/api/v1/users')));
    for (const view of views) expect(view).toEqual(views[0]);
    expect(views[0].items.length).toBe(6);
    for (const instance of instances) expect((await send(instance.base, ADMIN, 'GET', '/healthz')).status).toBe(200);
  });

  it(`2. conflicting events on one project fired at three instances at once: exactly one applies, ${CONFLICT_ROUNDS} projects`, async () => {
    const round = await ok(first().base, ADMIN, 'POST', '/api/v1/rounds', {
      year: new Date().getUTCFullYear(),
      title: 'conflicts',
      documentNumber: 'C-1',
      submissionDeadline: '2099-12-30',
      finalAcceptanceDate: '2099-12-31',
      funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      minReviews: 1,
    });
    const drafts: string[] = [];
    for (let i = 0; i < CONFLICT_ROUNDS; i += 1) {
      const created = await ok(instances[i % 3]!.base, world.applicant, 'POST', '/api/v1/projects', {
        roundId: round.id,
        category: 'fortress',
        direction: 'soul',
        title: `conflict ${i}`,
        letter: LETTER,
      });
      expect(created.version).toBe(1);
      drafts.push(created.id);
    }

    const statuses = counts([]);
    /** The three answers to project `i`'s contest, fired at the three instances at once. */
    const contest = async (i: number) => {
      const url = `/api/v1/projects/${drafts[i]}/events`;
      // Even projects: the same SUBMIT three times, no If-Match (the losers find it submitted: 409).
      // Odd projects: SUBMIT, WITHDRAW, SUBMIT, each with If-Match "1" (the losers hold a stale version: 412).
      const withIfMatch = i % 2 === 1;
      const bodies = withIfMatch ? [{ type: 'SUBMIT' }, { type: 'WITHDRAW', reason: '撤回' }, { type: 'SUBMIT' }] : [{ type: 'SUBMIT' }, { type: 'SUBMIT' }, { type: 'SUBMIT' }];
      const answers = await Promise.all(
        [first(), second(), third()].map((instance, j) => send(instance.base, world.applicant, 'POST', url, bodies[j], withIfMatch ? { 'if-match': '"1"' } : {})),
      );
      return { i, withIfMatch, answers };
    };
    // The first half one project at a time, the second half all their contests at once.
    const half = Math.ceil(drafts.length / 2);
    const contests: Array<Awaited<ReturnType<typeof contest>>> = [];
    for (let i = 0; i < half; i += 1) contests.push(await contest(i));
    contests.push(...(await Promise.all(drafts.slice(half).map((_, k) => contest(half + k)))));

    for (const { i, withIfMatch, answers } of contests) {
      for (const answer of answers) statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
      const context = `project ${i} (${withIfMatch ? 'If-Match' : 'no If-Match'}): ${answers.map((a) => `${a.status} ${a.status === 200 ? '' : a.text.slice(0, 160)}`).join(' | ')}`;
      expect(
        answers.filter((a) => a.status >= 500),
        context,
      ).toEqual([]);
      const applied = answers.filter((a) => a.status === 200);
      expect(applied.length, context).toBe(1);
      for (const refusal of answers.filter((a) => a.status !== 200)) {
        if (withIfMatch) expect([refusal.status, refusal.body.type], context).toEqual([412, problem('precondition-failed')]);
        else expect([refusal.status, refusal.body.type], context).toEqual([409, problem('illegal-transition')]);
      }
      // The version rose by exactly one, on every instance's view.
      expect(applied[0]!.body.project.version).toBe(2);
      for (const instance of instances) expect((await ok(instance.base, world.orgDept, 'GET', `/api/v1/projects/${drafts[i]}`)).version, context).toBe(2);
    }
    // One log entry for the contested event of each project.
    const rows = await readLog(database!.url);
    const contested = rows.filter((row) => drafts.includes(row.subjectId) && (row.event === 'SUBMIT' || row.event === 'WITHDRAW'));
    expect([...counts(contested.map((row) => row.subjectId)).values()].every((n) => n === 1)).toBe(true);
    expect(contested.length).toBe(drafts.length);
    report(
      `${drafts.length} contested projects × 3 instances (${half} one at a time, ${drafts.length - half} all at once: ${3 * (drafts.length - half)} requests together): ` +
        `statuses ${JSON.stringify(Object.fromEntries(statuses))}; one log entry each`,
    );
  });

  it(`3. one log: ${LOAD_EVENTS} events over three instances leave one gap-free chain that verifies`, async () => {
    const projectIds = LOAD_WRITE === 'progress-report' ? await inProgress() : [];
    const before = (await readLog(database!.url)).length;
    const load = await runLoad({
      instances,
      token: LOAD_WRITE === 'progress-report' ? world.applicant : ADMIN,
      projectIds,
      write: LOAD_WRITE,
      clients: 24,
      total: LOAD_EVENTS,
      maxMs: 180_000,
      prefix: 'load',
    });
    expect(load.failures).toEqual([]);
    expect(load.lost).toEqual([]);
    expect(load.acked.length).toBe(LOAD_EVENTS);

    const rows = await readLog(database!.url);
    expect(linkProblems(rows)).toEqual([]);
    expect(rows.at(-1)!.seq).toBe(rows.length);
    // Every entry is a setup write or an acknowledged event: nothing more, nothing less.
    expect(rows.length).toBe(before + load.acked.length);
    const byRequest = counts(rows.map((row) => row.requestId));
    expect(load.acked.filter((a) => byRequest.get(a.key) !== 1)).toEqual([]);
    // The sequence numbers the instances answered are the log's own, each once.
    const answeredSeqs = load.acked.flatMap((a) => (a.seq === null ? [] : [a.seq]));
    expect(new Set(answeredSeqs).size).toBe(answeredSeqs.length);
    for (const ack of load.acked) if (ack.seq !== null) expect(rows[ack.seq - 1]!.requestId).toBe(ack.key);
    const perInstance = counts(load.acked.map((a) => a.instance));

    const verdicts = await Promise.all(instances.map((instance) => verifyVerdict(instance, world.orgDept)));
    for (const verdict of verdicts) {
      expect({ valid: verdict.valid, chainValid: verdict.chainValid, head: verdict.head.valid, count: verdict.count, headHash: verdict.headHash }).toEqual({
        valid: true,
        chainValid: true,
        head: true,
        count: rows.length,
        headHash: rows.at(-1)!.hash,
      });
    }
    report(
      `load: ${load.acked.length} events acknowledged in ${load.durationMs} ms (${Math.round((load.acked.length * 1000) / load.durationMs)}/s) ` +
        `by ${JSON.stringify(Object.fromEntries(perInstance))}; ${before} setup entries; log ${rows.length} entries, gap-free; verify valid on all three`,
    );
  });

  it('4. the same Idempotency-Key at two instances, at once and one after the other: one effect, the same bytes', async () => {
    const fire = (instance: Instance, projectId: string, key: string, requestId: string) =>
      send(
        instance.base,
        world.applicant,
        'POST',
        `/api/v1/projects/${projectId}/events`,
        { type: 'SUBMIT_PROGRESS_REPORT', text: `idempotent ${key}` },
        { 'idempotency-key': key, 'x-request-id': requestId },
      );
    await inProgress();
    const cases: Array<{ key: string; projectId: string; answers: Answer[]; versionBefore: number }> = [];
    for (let i = 0; i < 20; i += 1) {
      const projectId = world.projectIds[i % world.projectIds.length]!;
      const versionBefore = (await ok(first().base, world.orgDept, 'GET', `/api/v1/projects/${projectId}`)).version as number;
      const key = `idem-${i}`;
      let answers: Answer[];
      if (i % 2 === 0) {
        // At once: instance 1 and instance 2 race for the key.
        answers = await Promise.all([fire(first(), projectId, key, `${key}-a`), fire(second(), projectId, key, `${key}-b`)]);
      } else {
        // One after the other, then a third time at instance 3.
        answers = [await fire(first(), projectId, key, `${key}-a`), await fire(second(), projectId, key, `${key}-b`), await fire(third(), projectId, key, `${key}-c`)];
      }
      cases.push({ key, projectId, answers, versionBefore });
    }
    const rows = await readLog(database!.url);
    for (const { key, projectId, answers, versionBefore } of cases) {
      const context = `${key}: ${answers.map((a) => `${a.status} replayed=${a.headers.get('idempotent-replayed')}`).join(' | ')}`;
      expect(
        answers.map((a) => a.status),
        context,
      ).toEqual(answers.map(() => 200));
      // The same bytes, every time; all but one of them a replay.
      for (const answer of answers) expect(answer.text, context).toBe(answers[0]!.text);
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length, context).toBe(answers.length - 1);
      // One effect: one log entry among the requests' ids, the version one higher.
      const entries = rows.filter((row) => row.requestId?.startsWith(`${key}-`));
      expect(entries.length, context).toBe(1);
      expect(entries[0]!.subjectId).toBe(projectId);
      expect((await ok(third().base, world.orgDept, 'GET', `/api/v1/projects/${projectId}`)).version, context).toBeGreaterThanOrEqual(versionBefore + 1);
      expect(JSON.parse(answers[0]!.text).project.version).toBe(versionBefore + 1);
    }
    // Versions: each case's project moved once per case on it (two cases per project at most here).
    const perProject = counts(cases.map((c) => c.projectId));
    for (const [projectId, n] of perProject) {
      const first = Math.min(...cases.filter((c) => c.projectId === projectId).map((c) => c.versionBefore));
      expect((await ok(second().base, world.orgDept, 'GET', `/api/v1/projects/${projectId}`)).version).toBe(first + n);
    }
    report(`idempotency: ${cases.length} keys (10 raced at once over 2 instances, 10 sent in turn to 3), each one log entry, identical bytes`);
  });

  it('4b. the same create (POST /units) with one Idempotency-Key at two instances, at once and one after the other: one unit, the same bytes', async () => {
    const create = (instance: Instance, key: string, requestId: string, name: string) =>
      send(instance.base, ADMIN, 'POST', '/api/v1/units', { name, type: 'general_branch' }, { 'idempotency-key': key, 'x-request-id': requestId });
    const cases: Array<{ key: string; name: string; answers: Answer[] }> = [];
    for (let i = 0; i < 20; i += 1) {
      const key = `unit-${i}`;
      const name = `幂等单位 ${i}`;
      const answers =
        i % 2 === 0
          ? await Promise.all([create(first(), key, `${key}-a`, name), create(second(), key, `${key}-b`, name)])
          : [await create(first(), key, `${key}-a`, name), await create(second(), key, `${key}-b`, name), await create(third(), key, `${key}-c`, name)];
      cases.push({ key, name, answers });
    }
    const rows = await readLog(database!.url);
    const units = await withPg(database!.url, async (client) => (await client.query('SELECT name, count(*) AS n FROM units GROUP BY name')).rows);
    const unitsNamed = new Map(units.map((row) => [row.name as string, Number(row.n)]));
    const outcomes = cases.map(({ key, name, answers }) => ({
      key,
      statuses: answers.map((a) => a.status).join(','),
      sameBytes: answers.every((a) => a.text === answers[0]!.text),
      replays: answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length,
      entries: rows.filter((row) => row.requestId?.startsWith(`${key}-`)).length,
      units: unitsNamed.get(name) ?? 0,
    }));
    const bad = outcomes.filter(
      (o, i) => o.statuses !== cases[i]!.answers.map(() => 201).join(',') || !o.sameBytes || o.replays !== cases[i]!.answers.length - 1 || o.entries !== 1 || o.units !== 1,
    );
    report(`idempotent creates: ${cases.length} keys, ${bad.length} not answered once and replayed: ${JSON.stringify(bad)}`);
    for (const { answers } of cases.filter((c) => bad.some((b) => b.key === c.key)).slice(0, 2)) {
      report(`  e.g. ${answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`).join(' | ')}`);
    }
    expect(bad).toEqual([]);
  });

  it('5. checkpoints signed by several instances at once and on their interval: gap-free ids, all under the shared key, verified', async () => {
    const publicKey = createPublicKey(fs.readFileSync(keyFile));
    const keyName = 'lixiang/default';
    const key = { name: keyName, keyId: noteKeyId(keyName, publicKey), publicKey };
    const countCheckpoints = () => withPg(database!.url, async (client) => Number((await client.query('SELECT count(*) AS n FROM checkpoints')).rows[0].n));
    // Signed before: at each instance's start, when the head had moved.
    const before = await countCheckpoints();
    // Every instance serves the shared key.
    const pems = await Promise.all(instances.map(async (instance) => (await send(instance.base, world.orgDept, 'GET', '/api/v1/audit/public-key')).text));
    for (const pem of pems) expect(pem).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());

    // Ten times: instances 1 and 2 sign at once, with writes in between through instance 3.
    const signed: Answer[] = [];
    for (let i = 0; i < 10; i += 1) {
      const [a, b] = await Promise.all([
        send(first().base, world.orgDept, 'POST', '/api/v1/audit/checkpoints'),
        send(second().base, world.orgDept, 'POST', '/api/v1/audit/checkpoints'),
        send(third().base, ADMIN, 'POST', '/api/v1/units', { name: `检查点之间 ${i}`, type: 'general_branch' }),
      ]);
      signed.push(a, b);
    }
    expect(signed.map((a) => (a.status === 201 ? 201 : `${a.status} ${a.text}`))).toEqual(signed.map(() => 201));

    // Two more instances that sign every second when the head moved, under a short load of their own.
    const timed = await Promise.all(['t1', 't2'].map((name) => startInstance({ url: database!.url, dir, name, keyFile, env: { LIXIANG_CHECKPOINT_INTERVAL_SECONDS: '1' } })));
    instances.push(...timed);
    // Units: any write moves the head; the events' own paths are the other tests' subject.
    const load = await runLoad({ instances: timed, token: ADMIN, projectIds: [], clients: 4, total: 120, maxMs: 60_000, prefix: 'timed', write: 'create-unit' });
    expect(load.failures).toEqual([]);
    await sleep(2_500);
    const stopMs: number[] = [];
    for (const instance of timed) {
      const stopped = await stopInstance(instance);
      stopMs.push(stopped.ms);
      expect({ code: stopped.code, signal: stopped.signal, forced: stopped.forced }, `${instance.name} stopped in ${stopped.ms} ms: ${tail(instance.logFile)}`).toEqual({
        code: 0,
        signal: null,
        forced: false,
      });
    }

    const rows = await withPg(database!.url, async (client) => (await client.query('SELECT id, size, head_hash AS "headHash", note FROM checkpoints ORDER BY id')).rows);
    const ids = rows.map((row) => Number(row.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const afterPairs = before + 20;
    expect(ids.length).toBeGreaterThan(afterPairs);
    const log = await readLog(database!.url);
    for (const row of rows) {
      const parsed = parseCheckpoint(row.note);
      expect(signedBy(parsed, key), `checkpoint ${row.id}`).toBe(true);
      expect(parsed.size).toBe(Number(row.size));
      // Each states a real prefix of the one log.
      expect(parsed.headHash, `checkpoint ${row.id}`).toBe(parsed.size === 0 ? row.headHash : log[parsed.size - 1]!.hash);
    }
    // Each instance's witness holds exactly what it signed, as the table holds it.
    const witnessed = ['i1', 'i2', 't1', 't2'].flatMap((name) => {
      const file = path.join(dir, `witness-${name}.log`);
      return fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { id: number; note: string })
        : [];
    });
    for (const record of witnessed) expect(record.note).toBe(rows[record.id - 1]!.note);
    expect(new Set(witnessed.map((r) => r.id)).size).toBe(witnessed.length);

    // The kept notes check out at another instance; the whole verdict (chain, tables, head, checkpoints) is valid.
    for (const row of [rows[0]!, rows.at(-1)!]) {
      const kept = await ok(third().base, world.orgDept, 'POST', '/api/v1/audit/checkpoints/verify', { note: row.note });
      expect(kept.consistent, JSON.stringify(kept.reasons)).toBe(true);
    }
    const verdict = await verifyVerdict(first(), world.orgDept);
    expect({ valid: verdict.valid, head: verdict.head.valid }, JSON.stringify(verdict.head)).toEqual({ valid: true, head: true });
    report(
      `checkpoints: ${ids.length} rows, ids 1..${ids.length} gap-free: ${before} signed at the instances' start, 20 in 10 concurrent pairs, ` +
        `${ids.length - afterPairs} by the two instances on a 1 s interval (SIGTERM to exit 0 in ${stopMs.join(' and ')} ms); all signed by the shared key, each a prefix of the log, witnessed once`,
    );
    for (const instance of timed) expect(tail(instance.logFile)).not.toMatch(/"level":50/);
  });
});
