/**
 * The committed generated artifacts match the code: the OpenAPI document equals what the routes
 * generate now, the lifecycle diagram what the machine draws, the typed client what
 * openapi-typescript makes of the document, and drizzle-kit finds no schema change that the
 * migrations lack.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { MachineRegistry } from '../../machines/registry.js';
import { DRAWN_LIFECYCLES, machineSvg } from '../../src/machines/machine-diagram.js';

const root = path.resolve(import.meta.dirname, '../..');
/** The newest project machine: what GET /machine answers and the README shows. */
const newestProject = new MachineRegistry().latest('project');

describe('generated artifacts', () => {
  it('openapi/openapi.json is current (run `npm run openapi:generate` after changing a route)', async () => {
    const db = openDatabase(':memory:');
    migrateDatabase(db);
    const app = await buildApp({ db });
    const generated = `${JSON.stringify(app.swagger(), null, 2)}\n`;
    await app.close();
    const committed = fs.readFileSync(path.join(root, 'openapi/openapi.json'), 'utf8');
    expect(committed).toBe(generated);
  });

  it('openapi/machine.svg is the diagram the machine draws (run `npm run openapi:generate` after changing the machine)', async () => {
    const committed = fs.readFileSync(path.join(root, 'openapi/machine.svg'), 'utf8');
    expect(committed).toBe(await machineSvg('zh', newestProject));
  });

  it('openapi/diagrams/ holds the diagram of every machine of every version, project and round, as each draws itself', async () => {
    const dir = path.join(root, 'openapi/diagrams');
    expect(fs.readdirSync(dir).sort()).toEqual(['project@1.svg', 'project@2.svg', 'round@1.svg', 'round@2.svg']);
    for (const lifecycle of DRAWN_LIFECYCLES) {
      const committed = fs.readFileSync(path.join(dir, `${lifecycle.key}.svg`), 'utf8');
      expect(committed, lifecycle.key).toBe(await machineSvg('zh', lifecycle));
      // Every state of the version is on it, with its label.
      for (const state of lifecycle.states) expect(committed, `${lifecycle.key} ${state}`).toContain(lifecycle.stateLabel(state).zh);
    }
  });

  it('src/web/api/schema.d.ts, the one typed client (the web application and the tests), is generated from openapi/openapi.json (run `npm run client:generate`)', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-client-'));
    try {
      const out = path.join(scratch, 'schema.d.ts');
      const run = spawnSync(process.execPath, [path.join(root, 'node_modules/openapi-typescript/bin/cli.js'), 'openapi/openapi.json', '--output', out], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
      const generated = fs.readFileSync(out, 'utf8');
      expect(fs.readFileSync(path.join(root, 'src/web/api/schema.d.ts'), 'utf8')).toBe(generated);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('migrations/ holds every schema change (run `npm run db:generate` after changing src/db/schema.ts)', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-migrations-'));
    try {
      fs.cpSync(path.join(root, 'migrations'), scratch, { recursive: true });
      const config = path.join(scratch, 'drizzle.config.json');
      const run = spawnSync(
        process.execPath,
        [
          path.join(root, 'node_modules/drizzle-kit/bin.cjs'),
          'generate',
          '--dialect=sqlite',
          '--schema=src/db/schema.ts',
          `--out=${path.relative(root, scratch)}`,
          '--casing=snake_case',
        ],
        { cwd: root, encoding: 'utf8' },
      );
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status, output).toBe(0);
      expect(fs.existsSync(config)).toBe(false);
      expect(output).toContain('No schema changes');
      expect(
        fs
          .readdirSync(scratch)
          .filter((f) => f.endsWith('.sql'))
          .sort(),
      ).toEqual(
        fs
          .readdirSync(path.join(root, 'migrations'))
          .filter((f) => f.endsWith('.sql'))
          .sort(),
      );
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('README', () => {
  it('shows the state diagram drawn from the newest project machine (project@2: openapi/machine.svg, checked above)', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(newestProject.key).toBe('project@2');
    expect(readme).toMatch(/!\[[^\]]*\]\(openapi\/machine\.svg\)/);
  });

  it('shows screenshots that are in the repository', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const shots = [...readme.matchAll(/!\[[^\]]*\]\((test\/web\/screenshots\/[^)]+\.png)\)/g)].map((m) => m[1]!);
    expect(shots.length).toBeGreaterThanOrEqual(6);
    for (const shot of shots) expect(fs.existsSync(path.join(root, shot)), shot).toBe(true);
  });

  it('shows the round’s diagram drawn from round@2, what new rounds run, and points to every version’s', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/!\[[^\]]*\]\(openapi\/diagrams\/round@2\.svg\)/);
    expect(readme).toContain('](openapi/diagrams/)');
  });

  it('shows the SVG diagram drawn from the machine', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/!\[[^\]]*\]\(openapi\/machine\.svg\)/);
  });

  it('lists exactly the package.json scripts', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const listed = [...readme.matchAll(/^\| `npm (?:run )?([\w:.-]+)/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(scripts));
  });

  it('is at most 20 KB, for users to read', () => {
    expect(fs.statSync(path.join(root, 'README.md')).size).toBeLessThanOrEqual(20_000);
  });
});
