/**
 * The BPMN peer: the submission cycle run by a general-purpose BPMN engine (bpmn-engine, the
 * JavaScript BPMN 2.0 engine) that persists every step to SQLite, as an application built on such
 * an engine would. It is the peer the workflow engine is compared to: where the ceiling
 * (ceiling-server.ts) is the SQLite work alone, this is what the same step costs when a BPMN engine
 * does the modelling instead of our state machine.
 *
 * The process is the project's submission loop: start → 申报 (user task `submit`) → 退回修改 (user
 * task `return_for_revision`) → back to 申报, and so on; it never reaches an end. On start-up it
 * executes BENCH_PROJECTS instances (index 0…N-1) until each waits at its first user task and stores
 * each one's engine state (`engine.getState()`, as JSON) in `instances`. POST /peer/:index with
 * `{ "text": "…" }` then does one step the way the engine's documentation says to continue a saved
 * instance: read the row, recover a new Engine from the state, resume it, signal the waiting user
 * task with the text, wait until the next user task waits, take the state, stop the engine, and in
 * one BEGIN IMMEDIATE transaction update the row (state, version + 1) and append a log row (the task
 * completed and the text). It answers `{ version, task }`, task being the user task now waiting;
 * 404 for an unknown index. Steps for one index are serialised (a promise chain per index); the
 * engine runs with a silent logger, as Fastify does.
 *
 * SYNCHRONOUS=NORMAL|FULL picks the durability (NORMAL unless FULL). The bench's other routes are
 * ./bench-server.ts's: GET /healthz once the instances are seeded in a new BENCH_DB, GET /stats (one
 * step, one commit), GET /positions ('1' for an instance waiting at 退回修改, '0' at 申报).
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import Fastify from 'fastify';
import { benchFile, openBenchDatabase, serveBench } from './bench-server.js';

const synchronous = process.env.SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL';
const projects = Number(process.env.BENCH_PROJECTS ?? 1000);

/** The submission cycle: 申报 and 退回修改 in a loop of plain sequence flows, with no end event. */
const SOURCE = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="submissionCycleDefinitions" targetNamespace="urn:lixiang:bench:bpmn-peer">
  <process id="submissionCycle" isExecutable="true">
    <startEvent id="start" />
    <userTask id="submit" name="申报" />
    <userTask id="return_for_revision" name="退回修改" />
    <sequenceFlow id="start_to_submit" sourceRef="start" targetRef="submit" />
    <sequenceFlow id="submit_to_return" sourceRef="submit" targetRef="return_for_revision" />
    <sequenceFlow id="return_to_submit" sourceRef="return_for_revision" targetRef="submit" />
  </process>
</definitions>`;

/** bpmn-engine's Logger factory, silent: its default is a `debug` logger per element. */
const silent = () => ({ debug() {}, error() {}, warn() {} });

/** What the listener's `wait` event carries that is used here. */
interface Waiting {
  id: string;
  executionId: string;
}

/**
 * The id of the next activity to wait (a user task), other than the execution `skip`: resuming a
 * saved instance announces its waiting task again. Rejects if the engine errors, stops or ends first.
 */
function nextWait(engine: Engine, listener: EventEmitter, skip?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = () => {
      listener.off('wait', onWait);
      engine.off('error', onError);
      engine.off('end', onEnd);
      engine.off('stop', onEnd);
    };
    const onWait = (api: Waiting) => {
      if (api.executionId === skip) return;
      done();
      resolve(api.id);
    };
    const onError = (error: unknown) => {
      done();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onEnd = () => {
      done();
      reject(new Error('the process ended or stopped before a user task waited'));
    };
    listener.on('wait', onWait);
    engine.once('error', onError);
    engine.once('end', onEnd);
    engine.once('stop', onEnd);
  });
}

/** Stops a running engine: clears its timers and consumers so that nothing keeps it alive. */
async function dispose(engine: Engine): Promise<void> {
  // stop() waits for the engine's `stop` event, which only a running execution sends.
  if (engine.execution?.isRunning) await engine.stop();
}

const db = openBenchDatabase(benchFile(), synchronous);
db.exec(`
  CREATE TABLE IF NOT EXISTS instances (id INTEGER PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, instance INTEGER, task TEXT, payload TEXT, at TEXT);
`);
const selectInstance = db.prepare<[number], { state: string; version: number }>('SELECT state, version FROM instances WHERE id = ?');
const insertInstance = db.prepare<[number, string]>('INSERT INTO instances (id, state, version) VALUES (?, ?, 1)');
const updateInstance = db.prepare<[string, number, number]>('UPDATE instances SET state = ?, version = version + 1 WHERE id = ? AND version = ?');
const insertLog = db.prepare<[number, string, string, string]>('INSERT INTO log (instance, task, payload, at) VALUES (?, ?, ?, ?)');
/** The user task each instance waits at, by index. */
const waitingAt: string[] = [];

const save = db.transaction((index: number, state: string, version: number, task: string, text: string) => {
  if (updateInstance.run(state, index, version).changes !== 1) throw new Error(`instance ${index} moved past version ${version}`);
  insertLog.run(index, task, JSON.stringify({ text }), new Date().toISOString());
});
const insertMany = db.transaction((rows: [number, string][]) => {
  for (const [index, state] of rows) insertInstance.run(index, state);
});

/** Executes instance `index` until it waits at its first user task; its state as JSON. */
async function start(index: number): Promise<string> {
  const engine = new Engine({ name: `instance-${index}`, source: SOURCE, Logger: silent });
  const listener = new EventEmitter();
  try {
    const waiting = nextWait(engine, listener);
    await engine.execute({ listener });
    waitingAt[index] = await waiting;
    return JSON.stringify(await engine.getState());
  } finally {
    await dispose(engine);
  }
}

/** One step of instance `index`: complete the waiting user task with `text`; null when there is no such instance. */
async function step(index: number, text: string): Promise<{ version: number; task: string } | null> {
  const row = selectInstance.get(index);
  if (!row) return null;
  const engine = new Engine({ Logger: silent }).recover(JSON.parse(row.state));
  const listener = new EventEmitter();
  let state: string;
  let completed: string;
  let task: string;
  try {
    const execution = await engine.resume({ listener });
    const [waiting] = execution.getPostponed();
    if (!waiting) throw new Error(`instance ${index} waits at no task`);
    completed = waiting.id;
    const next = nextWait(engine, listener, waiting.executionId);
    execution.signal({ id: waiting.id, text });
    task = await next;
    state = JSON.stringify(await engine.getState());
  } finally {
    await dispose(engine);
  }
  save.immediate(index, state, row.version, completed, text);
  waitingAt[index] = task;
  commits += 1;
  return { version: row.version + 1, task };
}

/** One transaction per step: every commit holds one event; counted as the engine counts its commits. */
let commits = 0;

/** The tail of the steps queued for each index; an index with none queued has no entry. */
const chains = new Map<number, Promise<void>>();

function serialised<T>(index: number, run: () => Promise<T>): Promise<T> {
  const result = (chains.get(index) ?? Promise.resolve()).then(run);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  chains.set(index, tail);
  void tail.then(() => {
    if (chains.get(index) === tail) chains.delete(index);
  });
  return result;
}

const seedStarted = performance.now();
let pending: [number, string][] = [];
for (let index = 0; index < projects; index += 1) {
  pending.push([index, await start(index)]);
  if (pending.length === 250) {
    insertMany.immediate(pending);
    pending = [];
  }
}
insertMany.immediate(pending);
console.log(`bpmn peer: ${projects} instances seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (synchronous ${synchronous})`);

const app = Fastify({ logger: false });
app.post<{ Params: { index: string }; Body: { text?: unknown } | null }>('/peer/:index', async (request, reply) => {
  const index = Number(request.params.index);
  const text = request.body?.text;
  if (!Number.isSafeInteger(index) || index < 0) return reply.code(404).send({ error: 'not found' });
  if (typeof text !== 'string') return reply.code(400).send({ error: 'text must be a string' });
  const result = await serialised(index, () => step(index, text));
  if (!result) return reply.code(404).send({ error: 'not found' });
  return result;
});
await serveBench(app, db, {
  commits: () => commits,
  positions: () => Array.from({ length: projects }, (_, index) => (waitingAt[index] === 'return_for_revision' ? '1' : '0')).join(''),
});
