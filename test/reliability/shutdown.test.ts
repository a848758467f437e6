/**
 * SIGTERM under load: in-flight requests finish, the process exits 0, nothing acknowledged is lost.
 * Requests that still arrive on open connections while it closes get a 503 problem (counted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fireUntilStopped, freePort, inspect, seed, startService } from './harness.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-shutdown-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  it('finishes in-flight requests and loses nothing acknowledged', async () => {
    const file = path.join(dir, 'shutdown.db');
    const service = await startService(file, await freePort(), path.join(dir, 'service.log'));
    const seedData = await seed(service.base, 10);
    const load = fireUntilStopped(service.base, seedData, 16, 'term');
    await new Promise((r) => setTimeout(r, 500));
    service.child.kill('SIGTERM');
    const code = await service.exited;
    await load.stop();

    const result = inspect(file);
    const present = new Set(result.requestIds);
    process.stdout.write(
      `graceful shutdown: exit ${code}, ${load.acked.length} acknowledged, ${result.requestIds.length} stored, ${load.refused} refused with 503 while closing\n`,
    );
    expect(load.failures).toEqual([]);
    expect(code).toBe(0);
    expect(load.acked.length).toBeGreaterThan(0);
    expect(load.acked.filter((a) => !present.has(a.key))).toEqual([]);
    expect(result.integrity).toBe('ok');
    expect(result.chain.valid).toBe(true);
    expect(result.mismatches).toEqual([]);
  });
});
