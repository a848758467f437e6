/**
 * The commands of the command line (src/cli/main.ts runs them). A command returns its exit code or
 * throws; src/cli/failures.ts tells what it threw in one line.
 *   lixiang serve
 *   lixiang migrate
 *   lixiang users create --name NAME --role ROLE [--unit UNIT_ID]
 *   lixiang audit verify
 *   lixiang audit acknowledge --reason TEXT
 *   lixiang audit checkpoint
 *   lixiang audit export --out DIR
 *   lixiang openapi [--out FILE]
 *   lixiang demo [--db FILE] [--force]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ROLES, type Role } from '../../machines/project.types.js';
import { loadConfig } from '../config.js';
import { onDatabase, Refused, UsageError } from './failures.js';
import { MACHINES_USAGE } from './machines-usage.js';

// The heavier modules are imported by the commands that need them: a mistyped command or option is
// answered at once, and each command loads only what it uses.
const openMigrated = async () => {
  const { migrateDatabase, openDatabase } = await import('../db/client.js');
  const file = loadConfig().databasePath;
  return onDatabase(file, () => {
    const db = openDatabase(file);
    try {
      migrateDatabase(db);
    } catch (error) {
      db.$client.close();
      throw error;
    }
    return db;
  });
};

/** The database for a command that writes: the head checked as at the service's start, every append sealed. */
const openForWriting = async (command: string) => {
  const db = await openMigrated();
  try {
    const { sealedForWriting } = await import('./head.js');
    sealedForWriting(db, loadConfig(), command);
    return db;
  } catch (error) {
    db.$client.close();
    throw error;
  }
};

const USAGE = `usage:
  lixiang serve                                     run the service (PORT, HOST, DATABASE_URL, LIXIANG_ADMIN_TOKEN, LOG_LEVEL);
                                                    the first start on the default file without an admin token builds the demo
  lixiang migrate                                   apply the database migrations
  lixiang users create --name N --role R [--unit U] create a user and print its token once
  lixiang audit verify                              walk the log's hash chain, check its sealed head and compare the tables with it
  lixiang audit acknowledge --reason TEXT           accept a refused log head (an entry, a seal, a checkpoint)
  lixiang audit checkpoint                          sign the log's head now and print the note
  lixiang audit export --out DIR                    write the audit bundle (with verify.mjs) to DIR
${MACHINES_USAGE}
  lixiang openapi [--out FILE]                      write the OpenAPI document
  lixiang demo [--db FILE] [--force]                build the demo database (default: DATABASE_URL or ./data/lixiang.db);
                                                    --force replaces an existing non-empty file, never one a running service holds
  lixiang help                                      this text
`;

const out = (text: string) => process.stdout.write(`${text}\n`);

/** parseArgs, strict, with the command's name on any complaint about its arguments. */
function options<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: (string | undefined)[], spec: T) {
  try {
    return parseArgs({ args: args.filter((a): a is string => a !== undefined), options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('. ')[0]}`);
  }
}

/** Runs one command: its exit code, or -1 for a service that goes on running. */
/**
 * Whether `serve` builds the demo before it starts: only on the embedded default (no DATABASE_URL)
 * when that file does not exist yet and no administrator token is given. An operator setting up a
 * real installation sets LIXIANG_ADMIN_TOKEN (or DATABASE_URL) and gets an empty database.
 */
export function firstStartOfNewcomer(env: NodeJS.ProcessEnv, config: { databasePath: string; adminToken: string | null }): boolean {
  return !env.DATABASE_URL?.trim() && config.adminToken === null && config.databasePath !== ':memory:' && !fs.existsSync(config.databasePath);
}

export async function run(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve': {
      options('serve', [sub, ...rest], {});
      const config = loadConfig();
      if (firstStartOfNewcomer(process.env, config)) {
        // A newcomer's first `npm start`: no database, no administrator: nobody could log in to an
        // empty one. The demo gives them people to be, and says so.
        process.stderr.write(`serve: no database at ${config.databasePath} and no LIXIANG_ADMIN_TOKEN: building the demo database first (public passwords, never for real work)\n`);
        const { buildDemo, formatDemoSummary } = await import('../demo/build-demo.js');
        const summary = await buildDemo({ path: config.databasePath, onProgress: (line) => process.stderr.write(`demo: ${line}\n`) });
        out(formatDemoSummary(summary));
      }
      const { startServer } = await import('../server.js');
      await onDatabase(config.databasePath, () => startServer(config));
      return -1;
    }
    case 'migrate': {
      options('migrate', [sub, ...rest], {});
      (await openMigrated()).$client.close();
      out('migrations applied');
      return 0;
    }
    case 'users': {
      if (sub !== 'create') throw new UsageError(`users: unknown subcommand ${sub ?? '(none)'}; try: users create --name N --role R [--unit U]`);
      const values = options('users create', rest, { name: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' } });
      if (!values.name || !values.role || !(ROLES as readonly string[]).includes(values.role)) {
        throw new UsageError(`users create: --name and --role (${ROLES.join(', ')}) are required`);
      }
      const db = await openForWriting('users create');
      const [{ isoUtc, systemClock }, { GroupCommitter }, { UnitsService }, { UsersService }, { TransitionLogRepository }, { adoptUnrecorded, CLI_ACTOR }] = await Promise.all([
        import('../clock.js'),
        import('../db/group-commit.js'),
        import('../units/units.service.js'),
        import('../users/users.service.js'),
        import('../workflow/transition-log.repository.js'),
        import('../workflow/records.js'),
      ]);
      try {
        const committer = new GroupCommitter(db.$client);
        const log = new TransitionLogRepository(db.$client);
        // As at the service's start: a database from before record entries is adopted before its first record entry.
        await committer.run(() => adoptUnrecorded(db.$client, log, isoUtc(systemClock.now())));
        const units = new UnitsService(db, systemClock, committer, log);
        const { user, token } = await new UsersService(db, systemClock, units, committer, log).create(
          { actor: CLI_ACTOR, requestId: 'cli:users-create' },
          { name: values.name, role: values.role as Role, unitId: values.unit ?? null },
        );
        out(JSON.stringify({ user, token }, null, 2));
        return 0;
      } finally {
        db.$client.close();
      }
    }
    case 'audit': {
      if (sub === 'verify') {
        options('audit verify', rest, {});
        const db = await openMigrated();
        const [{ verifyAudit }, { examineHead }, { headVerdict }, { headOf }] = await Promise.all([
          import('../audit/verify-tables.js'),
          import('../audit/head-check.js'),
          import('../audit/head.schemas.js'),
          import('./head.js'),
        ]);
        try {
          const verdict = await verifyAudit(db.$client);
          const head = headVerdict(examineHead(db.$client, headOf(db, loadConfig()).context, true));
          const result = { ...verdict, valid: verdict.valid && head.valid, head };
          out(JSON.stringify(result, null, 2));
          return result.valid ? 0 : 1;
        } finally {
          db.$client.close();
        }
      }
      if (sub === 'acknowledge') {
        const values = options('audit acknowledge', rest, { reason: { type: 'string' } });
        const reason = values.reason?.trim();
        if (!reason) throw new UsageError('audit acknowledge: --reason TEXT is required; it is recorded in the log entry the acknowledgement writes');
        const db = await openMigrated();
        const { acknowledgeHead } = await import('./head.js');
        try {
          const acknowledged = acknowledgeHead(db, loadConfig(), reason);
          if (!acknowledged) {
            out('the log head checks out: nothing to acknowledge');
            return 0;
          }
          out(`acknowledged as log entry ${acknowledged.seq}, superseding ${acknowledged.examination.failing.length} checkpoint(s); what was found:`);
          for (const finding of acknowledged.examination.reasons) out(`  ${finding}`);
          out(`signed checkpoint ${acknowledged.checkpoint.id}; a running service resumes writes at its next check`);
          process.stdout.write(acknowledged.checkpoint.note);
          return 0;
        } finally {
          db.$client.close();
        }
      }
      if (sub === 'checkpoint' || sub === 'export') {
        let dir = '';
        if (sub === 'export') {
          const values = options('audit export', rest, { out: { type: 'string' } });
          if (!values.out) throw new UsageError('audit export: --out DIR is required');
          dir = path.resolve(values.out);
        } else {
          options('audit checkpoint', rest, {});
        }
        if (dir && fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
          throw new Refused(`audit export: ${dir} is not empty; name a new or empty directory`);
        }
        const config = loadConfig();
        const db = sub === 'checkpoint' ? await openForWriting('audit checkpoint') : await openMigrated();
        const [{ systemClock }, { loadSigningKey, logIdentity }, { AuditExportService }, { headOf }] = await Promise.all([
          import('../clock.js'),
          import('../audit/checkpoints.js'),
          import('../audit/export-bundle.js'),
          import('./head.js'),
        ]);
        try {
          const identity = logIdentity(config.instance);
          if (sub === 'checkpoint') {
            process.stdout.write(headOf(db, config).checkpoints.sign().note);
            return 0;
          }
          const key = loadSigningKey(config.signingKeyPath, identity.keyName);
          // The export signs the head it exports when it checks out against the checkpoints and the witness.
          const { witness } = headOf(db, config).context;
          const manifest = await new AuditExportService(db, systemClock, key, identity.origin, undefined, undefined, witness).writeDirectory(dir);
          out(`wrote ${dir}: ${manifest.transitions.count} entries, ${manifest.checkpoints.count} checkpoints, ${manifest.projects.count} projects`);
          if (manifest.headCheckpoint.file === null) {
            out(`the head was not signed: ${manifest.headCheckpoint.refused.join('; ')}; entries after the latest checkpoint are covered by no signature`);
          }
          out(`verify with: node ${path.join(dir, 'verify.mjs')} ${dir} --checkpoint <a checkpoint note you kept>`);
          return 0;
        } finally {
          db.$client.close();
        }
      }
      throw new UsageError(`audit: unknown subcommand ${sub ?? '(none)'}; try: audit verify | audit acknowledge --reason TEXT | audit checkpoint | audit export --out DIR`);
    }
    case 'demo': {
      const values = options('demo', [sub, ...rest], { db: { type: 'string' }, force: { type: 'boolean', default: false } });
      const file = values.db ? path.resolve(values.db) : loadConfig().databasePath;
      const { DemoTargetExists, DemoTargetInUse, buildDemo, formatDemoSummary } = await import('../demo/build-demo.js');
      try {
        const summary = await buildDemo({ path: file, force: values.force, onProgress: (line) => process.stderr.write(`demo: ${line}\n`) });
        out(formatDemoSummary(summary));
        return 0;
      } catch (error) {
        if (error instanceof DemoTargetExists || error instanceof DemoTargetInUse) throw new Refused(`demo: ${error.message}`);
        throw error;
      }
    }
    case 'machines': {
      const { machinesCommand } = await import('./machines-command.js');
      return machinesCommand(
        sub,
        rest.filter((a): a is string => a !== undefined),
        () => openForWriting('machines migrate'),
        out,
      );
    }
    case 'openapi': {
      const values = options('openapi', [sub, ...rest], { out: { type: 'string' } });
      const [{ migrateDatabase, openDatabase }, { buildApp }] = await Promise.all([import('../db/client.js'), import('../app.js')]);
      const db = openDatabase(':memory:');
      migrateDatabase(db);
      const app = await buildApp({ db });
      const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
      await app.close();
      if (values.out) {
        fs.mkdirSync(path.dirname(values.out), { recursive: true });
        fs.writeFileSync(values.out, document);
        out(`wrote ${values.out}`);
      } else {
        process.stdout.write(document);
      }
      return 0;
    }
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
  }
  throw new UsageError(
    `unknown command ${command}; usage: lixiang serve | migrate | users create | audit verify|acknowledge|checkpoint|export | machines list|migrate | openapi | demo (lixiang help says more)`,
  );
}
