/**
 * The README's walk through the API, run as a user runs it on a fresh clone. The service starts
 * with the README's own command (the block after `<!-- walk: start -->`: its environment and
 * `npm start`, which builds what is out of date) on a new database in a temporary directory and on
 * the port the walk names; then bash runs the block after `<!-- walk -->` exactly as written, with
 * -e and pipefail, so that any command that fails (curl --fail-with-body on an error answer, node
 * on a missing field) fails the test. What the user sees is checked: SUBMIT answers the project
 * `submitted`, the project and its one transition read back, and the audit says the log is valid.
 * The test skips, saying why, only when the walk's port is already taken.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropDatabase, onPostgres } from '../helpers/postgres.js';

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

function block(marker: string): string {
  const found = new RegExp(`<!-- ${marker} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n`).exec(readme);
  if (!found) throw new Error(`README.md has no \`\`\`sh block after <!-- ${marker} -->`);
  return found[1]!;
}

const startCommand = block('walk: start').trim();
const walk = block('walk');
const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\/api\/v1/.exec(walk)?.[1]);

function portIsFree(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function run(child: ChildProcess): Promise<{ code: number | null; output: string; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr, output: `${stdout}${stderr}` })));
}

/**
 * A README start command run by bash in its own process group, with the README's environment (none
 * of the developer's service settings) and `env`; resolves once the service answers /healthz.
 */
async function startService(command: string, env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PORT|HOST|DATABASE_URL|LOG_LEVEL|LIXIANG_\w+)$/.test(name)));
  const service = spawn('bash', ['-c', command], { cwd: root, env: { ...clean, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stopped = run(service);
  let exited = false;
  void stopped.then(() => (exited = true));
  const stop = async () => {
    if (exited) return;
    process.kill(-service.pid!, 'SIGTERM');
    const timer = setTimeout(() => process.kill(-service.pid!, 'SIGKILL'), 15_000);
    await stopped;
    clearTimeout(timer);
  };
  try {
    for (;;) {
      if (exited) throw new Error(`\`${command}\` exited before the service answered:\n${(await stopped).output}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { stop };
      } catch {
        // not listening yet; the first start compiles
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The walk's block run by bash in strict mode; `edit` changes the text first (to prove a break is caught). */
function runWalk(edit: (text: string) => string = (text) => text) {
  return run(spawn('bash', ['-e', '-u', '-o', 'pipefail', '-c', edit(walk)], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** What the test reads of the walk's JSON answers: a project, an event's answer, the log check, or a page of transitions. */
interface WalkAnswer {
  id?: string;
  state?: string;
  project?: { id: string };
  transition?: { event: string; hash: string };
  items?: unknown[];
}
type WalkLine = WalkAnswer;
/** An event's answer: the project and the transition it made. */
interface EventAnswer {
  project: { id: string };
  transition: { event: string; hash: string };
}

const jsonLines = (text: string): WalkLine[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{') || line.startsWith('['))
    .map((line) => JSON.parse(line) as WalkLine);

const isSubmit = (line: WalkLine): line is EventAnswer => line.transition?.event === 'SUBMIT';

describe('the README walk', () => {
  it('is the README: a start command with npm start, and a walk against 127.0.0.1:3000', () => {
    expect(startCommand).toMatch(/^(\w+=\S+ )+npm start$/);
    expect(startCommand).toMatch(/LIXIANG_ADMIN_TOKEN=\S{24,} /);
    expect(port).toBe(3000);
    expect(walk).toContain(startCommand.match(/LIXIANG_ADMIN_TOKEN=(\S+)/)![1]);
  });

  it('runs as written against a new service started as the README says', async (context) => {
    if (!(await portIsFree())) {
      const note = `127.0.0.1:${port} is taken by another program; the README walk needs that port, so it was not run`;
      process.stderr.write(`readme-walk: ${note}\n`);
      context.skip(note);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-readme-walk-'));
    const database = path.join(dir, 'lixiang.db');
    // The key and the witness default to the user's configuration directory: here, the temporary one.
    const service = await startService(startCommand, { DATABASE_URL: database, XDG_CONFIG_HOME: path.join(dir, 'config') });
    try {
      // The service that answers is this one, on the temporary database.
      expect(fs.existsSync(`${database}.pid`)).toBe(true);

      const walked = await runWalk();
      expect(walked.code, walked.output).toBe(0);
      const answers = jsonLines(walked.stdout);
      const found = answers.find(isSubmit);
      expect(found, walked.stdout).toBeDefined();
      const submitted = found!;
      expect(submitted.project).toMatchObject({ state: 'submitted', allowedEvents: ['WITHDRAW'] });
      expect(submitted.transition).toMatchObject({ fromState: 'draft', toState: 'submitted' });
      const project = answers.find((a) => a.id === submitted.project.id && a.state !== undefined);
      expect(project).toMatchObject({ state: 'submitted', version: 2, title: '“红色旋律”党员先锋岗' });
      const transitions = answers.find((a) => Array.isArray(a.items));
      expect(transitions).toEqual({
        items: [
          expect.objectContaining({ event: 'CREATE_PROJECT', projectId: submitted.project.id }),
          expect.objectContaining({ event: 'SUBMIT', projectId: submitted.project.id, hash: submitted.transition.hash }),
        ],
        nextCursor: null,
      });
      // The administrator, the unit, two users, the round, the project's creation and its SUBMIT.
      expect(answers.at(-1)).toMatchObject({ valid: true, count: 7, headHash: submitted.transition.hash });

      // The harness catches a walk that breaks, as the old one did: a round whose deadline has passed.
      const stale = await runWalk((text) => text.replace('$(( $(date +%Y) + 1 ))', '$(( $(date +%Y) - 1 ))'));
      expect(stale.code).not.toBe(0);
      // The round's submission gate refuses it: 409 round-gate-closed, submission_closed.
      expect(stale.stderr).toMatch(/409/);
      expect(stale.stdout).toMatch(/round-gate-closed/);
      expect(jsonLines(stale.stdout).some(isSubmit)).toBe(false);
    } finally {
      await service.stop();
      // npm and bash may exit before the service's last write (its pid file, the witness) lands.
      for (let tries = 0; tries < 40 && fs.existsSync(`${database}.pid`); tries++) await new Promise((resolve) => setTimeout(resolve, 250));
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  }, 300_000);

  // `npm run test:pg`: the README's PostgreSQL command, as written but for a fresh database's name, then the same walk.
  it.skipIf(!onPostgres)(
    'runs as written against the service started on PostgreSQL as the README says',
    async (context) => {
      if (!(await portIsFree())) context.skip(`127.0.0.1:${port} is taken by another program`);
      const command = block('postgres: start').trim();
      expect(command).toMatch(/^createdb .* lixiang; DATABASE_URL=postgres:\/\/\S+\/lixiang (\w+=\S+ )*npm start$/);
      expect(command).toContain(startCommand.match(/LIXIANG_ADMIN_TOKEN=(\S+)/)![0]);
      const name = `lixiang_readme_${process.pid}`;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-readme-pg-'));
      const started = startService(command.replace(' lixiang;', ` ${name};`).replace('/lixiang ', `/${name} `), { XDG_CONFIG_HOME: path.join(dir, 'config') });
      try {
        const service = await started;
        try {
          const walked = await runWalk();
          expect(walked.code, walked.output).toBe(0);
          const answers = jsonLines(walked.stdout);
          const submitted = answers.find(isSubmit);
          expect(submitted?.project).toMatchObject({ state: 'submitted', allowedEvents: ['WITHDRAW'] });
          expect(answers.at(-1)).toMatchObject({ valid: true, count: 7, headHash: submitted!.transition.hash });
        } finally {
          await service.stop();
        }
      } finally {
        await dropDatabase(name);
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      }
    },
    300_000,
  );
});
