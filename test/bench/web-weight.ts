/**
 * npm run bench:web — the weight of the login screen: the JavaScript a browser loads to show it
 * (the entry of dist/web/index.html with its static imports, and the login view's chunk with its
 * own), each file gzipped (zlib's default level, what a reverse proxy typically applies), against
 * the budget of 300 KB; beside it, the size of the build's brotli copy, which the service
 * itself answers to browsers that accept br. Reads the Vite manifest (dist/web/.vite/manifest.json); the build
 * comes first (`npm run bench:web` runs `npm run build`). The stylesheets are listed beside, not
 * counted in the budget, which is about script.
 *
 *   WEB_DIR=/path (default: dist/web of this repository)
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

export const BUDGET_KB = 300;
const LOGIN_VIEW = 'views/LoginView.vue';

/** The files (script and style) the login screen loads, from the build's manifest. */
export function loginScreenFiles(webDir: string): { scripts: string[]; styles: string[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(webDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) throw new Error('the manifest has no entry');
  if (!manifest[LOGIN_VIEW]) throw new Error(`the manifest has no ${LOGIN_VIEW}`);
  const scripts = new Set<string>();
  const styles = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key]!;
    if (scripts.has(chunk.file)) return;
    scripts.add(chunk.file);
    for (const css of chunk.css ?? []) styles.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  visit(LOGIN_VIEW);
  return { scripts: [...scripts], styles: [...styles] };
}

export const gzippedKb = (file: string): number => gzipSync(fs.readFileSync(file)).length / 1024;

function main(): void {
  const webDir = process.env.WEB_DIR ?? path.resolve(import.meta.dirname, '../../dist/web');
  const { scripts, styles } = loginScreenFiles(webDir);
  let brotli = 0;
  const row = (file: string) => {
    const full = path.join(webDir, file);
    const raw = fs.statSync(full).size / 1024;
    const gz = gzippedKb(full);
    // The build's brotli copy, what the service answers browsers that accept br (src/cli/build.mjs).
    const br = fs.existsSync(`${full}.br`) ? fs.statSync(`${full}.br`).size / 1024 : NaN;
    if (file.endsWith('.js')) brotli += br;
    console.log(`${file.padEnd(52)} ${raw.toFixed(1).padStart(8)} KB ${gz.toFixed(1).padStart(8)} KB gzip ${br.toFixed(1).padStart(8)} KB br`);
    return gz;
  };
  console.log('login screen: script');
  const total = scripts.reduce((sum, file) => sum + row(file), 0);
  console.log(`${'total script'.padEnd(52)} ${''.padStart(11)} ${total.toFixed(1).padStart(8)} KB gzip ${brotli.toFixed(1).padStart(8)} KB br (budget ${BUDGET_KB} KB gzip)`);
  console.log('login screen: style (not in the budget)');
  const css = styles.reduce((sum, file) => sum + row(file), 0);
  console.log(`${'total style'.padEnd(52)} ${''.padStart(11)} ${css.toFixed(1).padStart(8)} KB gzip`);
  if (total > BUDGET_KB) {
    console.error(`over budget: ${total.toFixed(1)} KB > ${BUDGET_KB} KB`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
