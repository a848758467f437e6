/**
 * The witness: a file outside the database directory (LIXIANG_WITNESS_PATH) to which every
 * checkpoint the service signs is appended, one JSON line each, and fsync'd. A database copied
 * away, kept going and put back (a whole-file rollback) still has a valid seal of its own; the
 * witness remembers the later checkpoints, and the start-up check finds the log no longer has them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Problem } from '../http/problems.js';

export interface WitnessRecord {
  /** The checkpoint's row id when it was signed. */
  id: number;
  size: number;
  headHash: string;
  /** The signed note, as stored in the checkpoints table. */
  note: string;
}

export interface WitnessContents {
  records: WitnessRecord[];
  /** Lines that are not records (a torn last line is left out silently: a crash mid-append). */
  problems: string[];
}

function parseLine(line: string): WitnessRecord | null {
  try {
    const value = JSON.parse(line) as Partial<WitnessRecord>;
    if (!Number.isSafeInteger(value.id) || !Number.isSafeInteger(value.size) || typeof value.headHash !== 'string' || typeof value.note !== 'string') return null;
    return { id: value.id!, size: value.size!, headHash: value.headHash, note: value.note };
  } catch {
    return null;
  }
}

const TAIL_BYTES = 256 * 1024;

export class Witness {
  constructor(readonly file: string) {}

  /**
   * Refuses (503 witness-unavailable) when the witness cannot take an append now: the file, or the
   * directory it would be made in, is not writable, or the path is not a file. Checked before a
   * checkpoint is signed, so that a refused one is written nowhere.
   */
  assertWritable(): void {
    try {
      if (fs.existsSync(this.file)) {
        if (!fs.statSync(this.file).isFile()) throw new Error('not a regular file');
        fs.accessSync(this.file, fs.constants.W_OK);
      } else {
        let dir = path.dirname(this.file);
        while (!fs.existsSync(dir)) dir = path.dirname(dir);
        if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
        fs.accessSync(dir, fs.constants.W_OK);
      }
    } catch (error) {
      throw new Problem(
        'witness-unavailable',
        `见证文件 ${this.file} 无法写入，未签名检查点 / The witness ${this.file} cannot be written (${(error as Error).message}); no checkpoint was signed`,
      );
    }
  }

  /** Appends one checkpoint and fsyncs the file (and, when it was created, its directory). */
  append(record: WitnessRecord): void {
    const created = !fs.existsSync(this.file);
    if (created) fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(this.file, 'a', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify({ id: record.id, size: record.size, headHash: record.headHash, note: record.note })}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (created) {
      const dir = fs.openSync(path.dirname(this.file), 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
  }

  /** Every record, oldest first; a missing file holds none. */
  readAll(): WitnessContents {
    if (!fs.existsSync(this.file)) return { records: [], problems: [] };
    return this.parse(fs.readFileSync(this.file, 'utf8'));
  }

  /** The last record (reading only the file's tail), or null. */
  last(): WitnessRecord | null {
    if (!fs.existsSync(this.file)) return null;
    const size = fs.statSync(this.file).size;
    if (size <= TAIL_BYTES) return this.parse(fs.readFileSync(this.file, 'utf8')).records.at(-1) ?? null;
    const fd = fs.openSync(this.file, 'r');
    try {
      const buffer = Buffer.alloc(TAIL_BYTES);
      const read = fs.readSync(fd, buffer, 0, TAIL_BYTES, size - TAIL_BYTES);
      const text = buffer.subarray(0, read).toString('utf8');
      // The first line of the tail may be cut: start after the first newline.
      return this.parse(text.slice(text.indexOf('\n') + 1)).records.at(-1) ?? null;
    } finally {
      fs.closeSync(fd);
    }
  }

  private parse(text: string): WitnessContents {
    const lines = text.split('\n');
    // Text after the last newline is a torn append (or nothing): never a record.
    lines.pop();
    const records: WitnessRecord[] = [];
    const problems: string[] = [];
    lines.forEach((line, i) => {
      if (line === '') return;
      const record = parseLine(line);
      if (record) records.push(record);
      else problems.push(`${this.file} line ${i + 1}: not a witness record`);
    });
    return { records, problems };
  }
}
