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
import { Refused, UsageError } from './failures.js';

/** The operator at the command line, as the log names it. */
const OPERATOR: Principal = { id: 'cli', name: '命令行 / command line', role: 'admin', unitId: null };

function version(value: string | undefined, flag: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new UsageError(`machines migrate: ${flag} takes a version number, e.g. ${flag} 1`);
  return parsed;
}

/**
 * @param registry the definitions to migrate between: this build's, unless a test hands it more
 */
export async function machinesCommand(
  sub: string | undefined,
  args: string[],
  open: () => Promise<Db>,
  out: (text: string) => void,
  registry = new MachineRegistry(),
): Promise<number> {
  if (sub === 'list') {
    for (const lifecycle of registry.all()) out(`${lifecycle.key}\t${lifecycle.kind}${registry.latest(lifecycle.id) === lifecycle ? '\tlatest' : ''}`);
    return 0;
  }
  if (sub !== 'migrate') throw new UsageError(`machines: unknown subcommand ${sub ?? '(none)'}; try: machines list | machines migrate`);
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        machine: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        reason: { type: 'string' },
        round: { type: 'string' },
        map: { type: 'string', multiple: true },
        apply: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`machines migrate: ${(error as Error).message.split('. ')[0]}`);
  }
  if (!values.machine) throw new UsageError('machines migrate: --machine is required, e.g. --machine project');
  if (!values.reason) throw new UsageError('machines migrate: --reason is required; it is recorded in every log entry the migration writes');
  const stateMap: Record<string, string> = {};
  for (const pair of values.map ?? []) {
    const [old, next, ...extra] = pair.split('=');
    if (!old || !next || extra.length > 0) throw new UsageError(`--map takes OLD=NEW, got ${pair}`);
    stateMap[old] = next;
  }
  const fromVersion = version(values.from, '--from');
  const toVersion = version(values.to, '--to');
  const db = await open();
  try {
    const migrations = new MachineMigrations(db.$client, systemClock, new GroupCommitter(db.$client), {
      registry,
      log: new TransitionLogRepository(db.$client),
      idempotency: new IdempotencyRepository(db.$client),
    });
    const report = await migrations.migrate(OPERATOR, {
      machine: values.machine,
      fromVersion,
      toVersion,
      stateMap,
      ...(values.round ? { roundId: values.round } : {}),
      dryRun: !values.apply,
      reason: values.reason,
    });
    out(JSON.stringify(report, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof Problem) throw new Refused(`machines migrate: ${error.message}${error.extensions.unmapped ? ` ${JSON.stringify(error.extensions.unmapped)}` : ''}`);
    throw error;
  } finally {
    db.$client.close();
  }
}
