/**
 * The command line: serve, migrate, users create, audit verify, openapi.
 *   lixiang serve
 *   lixiang migrate
 *   lixiang users create --name NAME --role ROLE [--unit UNIT_ID]
 *   lixiang audit verify
 *   lixiang audit checkpoint
 *   lixiang audit export --out DIR
 *   lixiang openapi [--out FILE]
 *   lixiang demo [--db FILE] [--force]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../../machines/project.types.js';
import { buildApp } from '../app.js';
import { CheckpointsService, loadSigningKey, logIdentity } from '../audit/checkpoints.js';
import { AuditExportService } from '../audit/export-bundle.js';
import { verifyLog } from '../audit/parallel-verify.js';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { migrateDatabase, openDatabase } from '../db/client.js';
import { startServer } from '../server.js';
import { UnitsService } from '../units/units.service.js';
import { UsersService } from '../users/users.service.js';

const USAGE = `usage:
  lixiang serve                                     run the service (PORT, HOST, DATABASE_URL, LIXIANG_ADMIN_TOKEN, LOG_LEVEL)
  lixiang migrate                                   apply the database migrations
  lixiang users create --name N --role R [--unit U] create a user and print its token once
  lixiang audit verify                              walk the transition log's hash chain
  lixiang audit checkpoint                          sign the log's head now and print the note
  lixiang audit export --out DIR                    write the audit bundle (with verify.mjs) to DIR
  lixiang openapi [--out FILE]                      write the OpenAPI document
  lixiang demo [--db FILE] [--force]                build the demo database (default: DATABASE_URL or ./data/lixiang.db);
                                                    --force replaces an existing non-empty file
`;

const out = (text: string) => process.stdout.write(`${text}\n`);

function openMigrated() {
  const db = openDatabase(loadConfig().databasePath);
  migrateDatabase(db);
  return db;
}

async function run(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve':
      await startServer(loadConfig());
      return -1;
    case 'migrate': {
      openMigrated().$client.close();
      out('migrations applied');
      return 0;
    }
    case 'users': {
      if (sub !== 'create') break;
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' } } });
      if (!values.name || !values.role || !(ROLES as readonly string[]).includes(values.role)) {
        process.stderr.write(`--name and --role (${ROLES.join(', ')}) are required\n`);
        return 2;
      }
      const db = openMigrated();
      try {
        const units = new UnitsService(db, systemClock);
        const { user, token } = new UsersService(db, systemClock, units).create({
          name: values.name,
          role: values.role as Role,
          unitId: values.unit ?? null,
        });
        out(JSON.stringify({ user, token }, null, 2));
        return 0;
      } finally {
        db.$client.close();
      }
    }
    case 'audit': {
      if (sub === 'verify') {
        const db = openMigrated();
        try {
          const result = await verifyLog(db.$client);
          out(JSON.stringify(result, null, 2));
          return result.valid ? 0 : 1;
        } finally {
          db.$client.close();
        }
      }
      if (sub === 'checkpoint' || sub === 'export') {
        const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
        if (sub === 'export' && !values.out) {
          process.stderr.write('--out DIR is required\n');
          return 2;
        }
        const config = loadConfig();
        const db = openMigrated();
        try {
          const identity = logIdentity(config.instance);
          const key = loadSigningKey(config.signingKeyPath, identity.keyName);
          if (sub === 'checkpoint') {
            process.stdout.write(new CheckpointsService(db, systemClock, key, identity.origin).sign().note);
            return 0;
          }
          const dir = path.resolve(values.out!);
          const manifest = await new AuditExportService(db, systemClock, key, identity.origin).writeDirectory(dir);
          out(`wrote ${dir}: ${manifest.transitions.count} entries, ${manifest.checkpoints.count} checkpoints, ${manifest.projects.count} projects`);
          out(`verify with: node ${path.join(dir, 'verify.mjs')} ${dir} --checkpoint <a checkpoint note you kept>`);
          return 0;
        } finally {
          db.$client.close();
        }
      }
      break;
    }
    case 'demo': {
      const { values } = parseArgs({
        args: [sub, ...rest].filter((a): a is string => a !== undefined),
        options: { db: { type: 'string' }, force: { type: 'boolean', default: false } },
      });
      const file = values.db ? path.resolve(values.db) : loadConfig().databasePath;
      // Loaded only here: the other commands do not pay for the demo's content.
      const { DemoTargetExists, buildDemo, formatDemoSummary } = await import('../demo/build-demo.js');
      try {
        const summary = await buildDemo({ path: file, force: values.force, onProgress: (line) => process.stderr.write(`demo: ${line}\n`) });
        out(formatDemoSummary(summary));
        return 0;
      } catch (error) {
        if (!(error instanceof DemoTargetExists)) throw error;
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
    }
    case 'openapi': {
      const { values } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { out: { type: 'string' } } });
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
  }
  process.stderr.write(USAGE);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
