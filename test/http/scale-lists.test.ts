/**
 * At scale: a project with 10^4 log entries is served a bounded page at a time, and 10^5 anonymous
 * POSTs grow the database file by under 1 MB (they are counted per source and minute, not kept).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld, type World } from '../helpers/world.js';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-scale-lists-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a project with 10^4 entries', () => {
  let t: TestApp;
  let world: World;
  let projectId: string;
  const ENTRIES = 10_000;

  beforeAll(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    projectId = (await createDraft(world)).id;
    const log = new TransitionLogRepository(t.db.$client);
    t.db.$client.transaction(() => {
      for (let i = 1; i <= ENTRIES; i += 1) {
        log.append({
          subjectKind: 'project',
          subjectId: projectId,
          event: 'SUBMIT_PROGRESS_REPORT',
          fromState: 'in_progress',
          toState: 'in_progress',
          payload: JSON.stringify({ text: `第${i}次进展：主题党日与“红色旋律”汇报演出的筹备，${'详'.repeat(200)}` }),
          actorId: world.applicant.id,
          actorRole: 'applicant',
          actorUnitId: world.applicant.unitId,
          at: new Date(Date.UTC(2023, 4, 1) + i * 1000).toISOString(),
          requestId: `req-${i}`,
          machineId: 'project',
          machineVersion: 1,
        });
      }
    })();
  });

  afterAll(async () => {
    await t.close();
  });

  it('is served page by page, every page at most its limit, the whole history once and in order', async () => {
    const url = `/api/v1/projects/${projectId}/transitions`;
    const first = await call(t.app, world.orgDept.token, { method: 'GET', url });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(50);

    const seqs: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let largest = 0;
    do {
      const response = await t.app.inject({
        method: 'GET',
        url: `${url}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        headers: { authorization: `Bearer ${world.orgDept.token}` },
      });
      expect(response.statusCode).toBe(200);
      largest = Math.max(largest, response.body.length);
      const page = JSON.parse(response.body) as { items: Array<{ seq: number; subject: { id: string } }>; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(500);
      for (const item of page.items) {
        expect(item.subject.id).toBe(projectId);
        seqs.push(item.seq);
      }
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seqs).toHaveLength(ENTRIES + 1); // its CREATE_PROJECT, then the appended entries
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
    expect(pages).toBe(Math.ceil((ENTRIES + 1) / 500)); // the last page says it is the last: no empty page after it
    // A page is bounded whatever the history's length: 500 entries of ~1 KB, not 10^4.
    expect(largest).toBeLessThan(1024 * 1024);
  });
});

describe('10^5 anonymous POSTs', () => {
  it('grow the database file by under 1 MB', async () => {
    const file = path.join(dir, 'anonymous.db');
    // As deployed: the limit on failed authentications on (20 a minute), the retention on.
    const t = await createTestApp({ path: file, authFailuresPerMinute: 20 });
    try {
      const world = await createWorld(t.app);
      const draft = await createDraft(world);
      const sizeOf = () => {
        t.db.$client.pragma('wal_checkpoint(TRUNCATE)');
        return ['', '-wal'].reduce((sum, suffix) => sum + (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0), 0);
      };
      const before = sizeOf();
      const urls = [`/api/v1/projects/${draft.id}/events`, '/api/v1/projects', `/api/v1/rounds/${world.roundId}/events`, '/api/v1/units'];
      // A small botnet: 4 addresses, each 1,000 POSTs a minute for 25 minutes over 4 routes, half
      // without a token, half guessing one. Rows grow with sources × minutes × routes × answers,
      // not with requests: here 4 × 25 × 4 × 2 = 800 rows at most.
      const SOURCES = 4;
      const MINUTES = 25;
      const PER_MINUTE_AND_SOURCE = 1_000; // 4 × 25 × 1,000 = 10^5
      const answered = new Map<number, number>();
      for (let minute = 0; minute < MINUTES; minute += 1) {
        for (let source = 0; source < SOURCES; source += 1) {
          const batch = [];
          for (let i = 0; i < PER_MINUTE_AND_SOURCE; i += 1) {
            batch.push(
              t.app.inject({
                method: 'POST',
                url: urls[i % urls.length]!,
                remoteAddress: `203.0.113.${source + 1}`,
                headers: { 'content-type': 'application/json', ...(i % 2 ? { authorization: `Bearer lx_guess-${minute}-${source}-${i}-0123456789abcdef` } : {}) },
                payload: '{"type":"WITHDRAW"}',
              }),
            );
          }
          for (const response of await Promise.all(batch)) answered.set(response.statusCode, (answered.get(response.statusCode) ?? 0) + 1);
        }
        t.clock.advance(60_000);
      }
      expect([...answered.values()].reduce((a, b) => a + b, 0)).toBe(100_000);
      expect([...answered.keys()].sort()).toEqual([401, 429]);
      const grown = sizeOf() - before;
      const counted = t.db.$client.prepare('SELECT count(*) AS rows, sum(count) AS attempts FROM refused_attempts').get() as { rows: number; attempts: number };
      expect(counted.attempts).toBe(100_000);
      expect((t.db.$client.prepare('SELECT count(*) AS n FROM security_events').get() as { n: number }).n).toBe(0);
      console.log(
        `10^5 anonymous POSTs: ${counted.rows} counted rows; the database grew by ${grown} bytes (${(grown / 1024).toFixed(1)} KiB, ${Math.round(grown / counted.rows)} B a row)`,
      );
      expect(grown).toBeLessThan(1024 * 1024);
    } finally {
      await t.close();
    }
  });
});
