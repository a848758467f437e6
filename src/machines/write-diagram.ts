/**
 * Writes the lifecycle diagram with Chinese labels, the copy the README shows:
 *   tsx src/machines/write-diagram.ts openapi/machine.svg
 * A test fails when the committed copy differs from what the machine draws now.
 */
import fs from 'node:fs';
import path from 'node:path';
import { machineSvg } from './machine-diagram.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: write-diagram.ts FILE\n');
  process.exitCode = 2;
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, await machineSvg('zh'));
  process.stdout.write(`wrote ${out}\n`);
}
