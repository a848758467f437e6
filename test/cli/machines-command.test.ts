/**
 * `lixiang machines migrate` from the command line: a dry run by default, the run with --apply,
 * refusals as one-line failures, on a database a service wrote.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MachineRegistry, FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { machinesCommand } from '../../src/cli/machines-command.js';
import { Refused, UsageError } from '../../src/cli/failures.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { createTestApp } from '../helpers/app.js';
import { projectV3 } from '../helpers/project-v3.js';
import { createWorld, driveTo } from '../helpers/world.js';

let dir: string;
let file: string;
let withdrawn: string;
// The first edition with a further project version beside it: a database the first release built.
const registry = new MachineRegistry([...FIRST_EDITION_LIFECYCLES, projectV3]);
const open = async () => {
  const db = openDatabase(file);
  migrateDatabase(db);
  return db;
};

async function runCommand(args: string[]) {
  const lines: string[] = [];
  const code = await machinesCommand(args[0], args.slice(1), open, (line) => lines.push(line), registry);
  return { code, text: lines.join('\n') };
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-cli-machines-'));
  file = path.join(dir, 'lixiang.db');
  const t = await createTestApp({ path: file, lifecycles: FIRST_EDITION_LIFECYCLES });
  const world = await createWorld(t.app);
  await driveTo(world, 'submitted');
  withdrawn = (await driveTo(world, 'withdrawn')).id;
  await t.close();
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const ARGS = ['migrate', '--machine', 'project', '--from', '1', '--to', '3', '--reason', '按新版流程办理'];
const versions = () => {
  const db = openDatabase(file);
  try {
    return db.$client.prepare('SELECT machine_version AS v, state FROM projects ORDER BY state').all();
  } finally {
    db.$client.close();
  }
};

describe('lixiang machines', () => {
  it('lists the definitions by version', async () => {
    const listed = await runCommand(['list']);
    expect(listed.text.split('\n')).toEqual(['project@1\tproject', 'project@3\tproject\tlatest', 'round@1\tround\tlatest']);
  });

  it('reports a dry run by default and moves nothing', async () => {
    const report = await runCommand(ARGS);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.text)).toMatchObject({ dryRun: true, applied: false, subjects: 2, unmapped: [{ state: 'withdrawn', subjects: [withdrawn] }] });
    expect(versions()).toEqual([
      { v: 1, state: 'submitted' },
      { v: 1, state: 'withdrawn' },
    ]);
  });

  it('refuses --apply while a state is unmapped, then applies with --map, writing an entry per subject', async () => {
    await expect(runCommand([...ARGS, '--apply'])).rejects.toThrow(Refused);
    await expect(runCommand([...ARGS, '--apply'])).rejects.toThrow(/withdrawn/);
    const applied = await runCommand([...ARGS, '--apply', '--map', 'withdrawn=rejected']);
    expect(JSON.parse(applied.text)).toMatchObject({ applied: true, subjects: 2, entries: { first: expect.any(Number), last: expect.any(Number) } });
    expect(versions()).toEqual([
      { v: 3, state: 'rejected' },
      { v: 3, state: 'submitted' },
    ]);
    const db = openDatabase(file);
    const entries = db.$client.prepare("SELECT actor_id AS actor, actor_role AS role FROM transition_log WHERE event = 'MIGRATE'").all();
    db.$client.close();
    expect(entries).toEqual([
      { actor: 'cli', role: 'admin' },
      { actor: 'cli', role: 'admin' },
      { actor: 'cli', role: 'admin' },
    ]);
  });

  it('says what is wrong with its arguments in one line', async () => {
    await expect(runCommand(['migrate', '--machine', 'project', '--from', '1', '--to', 'x', '--reason', 'r'])).rejects.toThrow(UsageError);
    await expect(runCommand(['migrate', '--from', '1', '--to', '3'])).rejects.toThrow(/--machine is required/);
    await expect(runCommand(['rename'])).rejects.toThrow(/unknown subcommand rename/);
    await expect(runCommand([...ARGS, '--map', 'withdrawn'])).rejects.toThrow(/OLD=NEW/);
  });
});
