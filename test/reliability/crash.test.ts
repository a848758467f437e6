/**
 * Crash test: clients fire transitions with unique idempotency keys; the service is killed with
 * SIGKILL at random moments, 25 times, and restarted on the same file. Afterwards every
 * acknowledged transition is present (0 lost), nothing unexpected is present, SQLite's integrity
 * check passes, the chain verifies, and replaying the log gives every stored state.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fireUntilStopped, freePort, inspect, seed, startService, type Ack } from './harness.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 25);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SIGKILL at random moments', () => {
  it(`loses no acknowledged transition over ${KILLS} kills`, async () => {
    const file = path.join(dir, 'crash.db');
    const log = path.join(dir, 'service.log');
    const port = await freePort();
    let service = await startService(file, port, log);
    const seedData = await seed(service.base, 20);
    const acked: Ack[] = [];
    const sent = new Set<string>();
    const failures: string[] = [];
    // A fixed seed for the kill moments, so a failing run can be repeated.
    let random = 0x2545f491;
    const next = () => {
      random ^= random << 13;
      random ^= random >>> 17;
      random ^= random << 5;
      return (random >>> 0) / 2 ** 32;
    };

    for (let kill = 0; kill < KILLS; kill += 1) {
      const load = fireUntilStopped(service.base, seedData, 16, `k${kill}`);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(next() * 400)));
      service.child.kill('SIGKILL');
      await service.exited;
      await load.stop();
      acked.push(...load.acked);
      failures.push(...load.failures);
      for (const key of load.sent) sent.add(key);
      service = await startService(file, port, log);
    }

    // One more round after the last restart proves the service still takes events.
    const last = fireUntilStopped(service.base, seedData, 4, 'final');
    await new Promise((r) => setTimeout(r, 200));
    await last.stop();
    acked.push(...last.acked);
    failures.push(...last.failures);
    for (const key of last.sent) sent.add(key);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);

    const result = inspect(file);
    const present = new Set(result.requestIds);
    const lost = acked.filter((a) => !present.has(a.key));
    const unexpected = result.requestIds.filter((id) => !sent.has(id));
    const duplicated = result.requestIds.length - present.size;
    process.stdout.write(
      `crash test: ${KILLS} kills, ${sent.size} requests sent, ${acked.length} acknowledged, ${result.requestIds.length} progress reports stored, ` +
        `${lost.length} lost, ${unexpected.length} unexpected, ${duplicated} duplicated, integrity ${result.integrity}, ` +
        `chain ${result.chain.valid ? `valid (${result.chain.count} rows)` : 'INVALID'}, ${result.mismatches.length} replay mismatches\n`,
    );
    expect(failures).toEqual([]);
    expect(acked.length).toBeGreaterThan(KILLS);
    expect(lost).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(duplicated).toBe(0);
    expect(result.integrity).toBe('ok');
    expect(result.chain.valid).toBe(true);
    expect(result.mismatches).toEqual([]);
  });
});
