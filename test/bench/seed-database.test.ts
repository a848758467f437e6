/**
 * The benches' seeded database (test/bench/seed-database.ts) is one the verification accepts: its
 * log proves its tables, and the service's own transitions on it keep it so. The scale bench
 * measures the verification on it and stops when it answers anything but valid.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp } from '../helpers/app.js';
import { seedDatabase } from './seed-database.js';

const TOKENS = { applicant: 'lx_seed-applicant-token-0123456789', orgDept: 'lx_seed-org-dept-token-0123456789ab', auditor: 'lx_seed-auditor-token-0123456789abc' };

interface Verdict {
  valid: boolean;
  count: number;
  chainValid: boolean;
  tables: { valid: boolean; divergenceCount: number; divergences: Array<{ table: string; key: string; field: string }> };
  head: { valid: boolean };
}

describe('the seeded bench database', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-seed-'));
    file = path.join(dir, 'seed.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('verifies valid through GET /audit/verify, before and after the service writes to it, and names a changed cell', async () => {
    const seeded = seedDatabase(file, 40, 3, TOKENS);
    const t = await createTestApp({ path: file });
    try {
      const first = await call(t.app, TOKENS.auditor, { method: 'GET', url: '/api/v1/audit/verify' });
      expect(first.status).toBe(200);
      const before = first.body as Verdict;
      expect(before.tables.divergenceCount).toBe(0);
      expect(before).toMatchObject({ valid: true, chainValid: true, tables: { valid: true }, head: { valid: true } });

      const report = await call(t.app, TOKENS.applicant, {
        method: 'POST',
        url: `/api/v1/projects/${seeded.ids[7]}/events`,
        payload: { type: 'SUBMIT_PROGRESS_REPORT', text: '本月完成主题党日活动' },
      });
      expect(report.status).toBe(200);
      const after = (await call(t.app, TOKENS.auditor, { method: 'GET', url: '/api/v1/audit/verify' })).body as Verdict;
      expect(after).toMatchObject({ valid: true, count: before.count + 1, tables: { valid: true, divergenceCount: 0 } });
    } finally {
      await t.close();
    }

    // A funding written into the file behind the service's back is named.
    const raw = new Database(file);
    raw.prepare('UPDATE projects SET funding = 3000 WHERE id = ?').run(seeded.ids[3]);
    raw.close();
    const again = await createTestApp({ path: file });
    try {
      const tampered = (await call(again.app, TOKENS.auditor, { method: 'GET', url: '/api/v1/audit/verify' })).body as Verdict;
      expect(tampered.valid).toBe(false);
      expect(tampered.tables.divergences).toEqual([expect.objectContaining({ table: 'projects', key: seeded.ids[3], field: 'funding' })]);
    } finally {
      await again.close();
    }
  });
});
