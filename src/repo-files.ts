import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file or folder of the repository that ships beside the code (migrations, the stand-alone
 * verifier), found by walking up from the calling module: the same code runs from src/ under tsx
 * and from dist/src/ once compiled.
 */
export function findRepositoryPath(from: string, relative: string): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${relative} not found above ${fileURLToPath(from)}`);
    dir = parent;
  }
}
