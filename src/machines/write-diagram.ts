/**
 * Writes the newest project lifecycle's diagram with Chinese labels, the copy the README shows, and beside it (in
 * diagrams/) every machine of every version, project and round:
 *   tsx src/machines/write-diagram.ts openapi/machine.svg
 * A test fails when a committed copy differs from what the machine draws now.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MachineRegistry } from '../../machines/registry.js';
import { DRAWN_LIFECYCLES, machineSvg } from './machine-diagram.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: write-diagram.ts FILE\n');
  process.exitCode = 2;
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // The newest project machine, as GET /machine draws it.
  fs.writeFileSync(out, await machineSvg('zh', new MachineRegistry().latest('project')));
  process.stdout.write(`wrote ${out}\n`);
  const dir = path.join(path.dirname(out), 'diagrams');
  fs.mkdirSync(dir, { recursive: true });
  for (const lifecycle of DRAWN_LIFECYCLES) {
    const file = path.join(dir, `${lifecycle.key}.svg`);
    fs.writeFileSync(file, await machineSvg('zh', lifecycle));
    process.stdout.write(`wrote ${file}\n`);
  }
}
