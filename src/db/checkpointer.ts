/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit
 * crosses the threshold and blocks the event loop for ~10 ms every few hundred commits (the p99 of
 * the hot path). The server turns it into a safety cap only and checkpoints from a worker thread
 * with its own connection instead: in WAL mode a PASSIVE checkpoint copies pages while the main
 * connection keeps committing, so no request waits for it.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Pages (4 KiB each): past this the committing connection checkpoints itself after all. */
export const WAL_SAFETY_CAP_PAGES = 20_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
parentPort.on('message', (message) => {
  if (message === 'close') { db.close(); parentPort.close(); return; }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error) });
  }
});
`;

export interface CheckpointerOptions {
  /** How often to checkpoint, ms. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private busy = false;
  checkpoints = 0;

  constructor(main: Database.Database, file: string, driverPath: string, options: CheckpointerOptions = {}) {
    main.pragma(`wal_autocheckpoint = ${WAL_SAFETY_CAP_PAGES}`);
    // The source is CommonJS; the parent's Node options (`--input-type=module`, loaders) would
    // otherwise pass to the worker and could make it load as something else.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { file, driver: driverPath } });
    this.worker.unref();
    this.worker.on('message', (message: { ok: boolean; error?: string }) => {
      this.busy = false;
      if (message.ok) this.checkpoints += 1;
      else options.onError?.(new Error(message.error));
    });
    this.worker.on('error', (error) => options.onError?.(error));
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.worker.postMessage('checkpoint');
    }, options.intervalMs ?? 250);
    this.timer.unref();
  }

  /**
   * Closes the worker's connection and waits for the worker to exit (at most 2 s, then ends it).
   * The worker is unref'd while it runs, so that it never keeps a process alive by itself; here it
   * is ref'd again, or a process whose last work is this close would end before the worker did
   * and never run what follows the close.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.worker.ref();
    const exited = new Promise<void>((resolve) => {
      const fallback = setTimeout(() => {
        void this.worker.terminate().finally(resolve);
      }, 2000);
      this.worker.once('exit', () => {
        clearTimeout(fallback);
        resolve();
      });
    });
    this.worker.postMessage('close');
    await exited;
  }
}
