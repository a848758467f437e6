/**
 * `lixiang machines list` and `lixiang machines migrate`: the registered machine definitions, and
 * the explicit migration of in-flight subjects to another version (the same service as the admin
 * API's POST /api/v1/machines/migrations; a dry run unless --apply).
 */
import { parseArgs } from 'node:util';
import { MachineRegistry } from '../../machines/registry.js';
import type { Principal } from '../auth/principal.js';
import { systemClock } from '../clock.js';
import type { Db } from '../db/client.js';
import { GroupCommitter } from '../db/group-commit.js';
import { Problem } from '../http/problems.js';
import { IdempotencyRepository } from '../workflow/idempotency.repository.js';
import { MachineMigrations } from '../workflow/machine-migrations.js';
import { TransitionLogRepository } from '../workflow/transition-log.repository.js';

export const MACHINES_USAGE = `  lixiang machines list                             the machine definitions this build runs, by version
  lixiang machines migrate --machine M --from N --to N --reason R [--round ID] [--map OLD=NEW ...] [--apply]
                                                    move subjects to another version (a dry run unless --apply)`;

/** The operator at the command line, as the log names it. */
const OPERATOR: Principal = { id: 'cli', name: '命令行 / command line', role: 'admin', unitId: null };

export class UsageError extends Error {}

function version(value: string | undefined, flag: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new UsageError(`${flag} takes a version number, e.g. ${flag} 1`);
  return parsed;
}

export async function machinesCommand(sub: string | undefined, args: string[], open: () => Db, out: (text: string) => void): Promise<number> {
  const registry = new MachineRegistry();
  if (sub === 'list') {
    for (const lifecycle of registry.all()) out(`${lifecycle.key}\t${lifecycle.kind}${registry.latest(lifecycle.id) === lifecycle ? '\tlatest' : ''}`);
    return 0;
  }
  if (sub !== 'migrate') throw new UsageError(`unknown command: machines ${sub ?? ''}`.trim());
  const { values } = parseArgs({
    args,
    options: {
      machine: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      reason: { type: 'string' },
      round: { type: 'string' },
      map: { type: 'string', multiple: true },
      apply: { type: 'boolean', default: false },
    },
  });
  if (!values.machine) throw new UsageError('--machine is required, e.g. --machine project');
  if (!values.reason) throw new UsageError('--reason is required: it is recorded in every log entry the migration writes');
  const stateMap: Record<string, string> = {};
  for (const pair of values.map ?? []) {
    const [old, next, ...extra] = pair.split('=');
    if (!old || !next || extra.length > 0) throw new UsageError(`--map takes OLD=NEW, got ${pair}`);
    stateMap[old] = next;
  }
  const db = open();
  try {
    const migrations = new MachineMigrations(db.$client, systemClock, new GroupCommitter(db.$client), {
      registry,
      log: new TransitionLogRepository(db.$client),
      idempotency: new IdempotencyRepository(db.$client),
    });
    const report = await migrations.migrate(OPERATOR, {
      machine: values.machine,
      fromVersion: version(values.from, '--from'),
      toVersion: version(values.to, '--to'),
      stateMap,
      ...(values.round ? { roundId: values.round } : {}),
      dryRun: !values.apply,
      reason: values.reason,
    });
    out(JSON.stringify(report, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof Problem) throw new UsageError(`${error.message}${error.extensions.unmapped ? ` ${JSON.stringify(error.extensions.unmapped)}` : ''}`);
    throw error;
  } finally {
    db.$client.close();
  }
}
