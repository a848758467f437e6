/**
 * The thread that holds an instance's PostgreSQL connection (node-postgres). The main thread posts
 * one request at a time on its port and sleeps on a shared word (Atomics.wait) until this thread
 * has answered and raised the word: the engine's step stays one synchronous function, as on
 * SQLite, while the driver underneath is asynchronous.
 *
 * A connection lost inside a transaction is never replaced silently: every request names the
 * transaction it belongs to, and one that names a transaction this connection did not begin is
 * refused as unavailable, so no statement of a lost transaction runs on its own.
 *
 * Kept as source text (run with `eval`) so that it runs the same from src/ under tsx and vitest
 * and from dist/.
 */
export const PG_WORKER_SOURCE = String.raw`
const { workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const requireFrom = createRequire(workerData.resolveFrom);
const pg = requireFrom('pg');
const { signal, port, url, role, connectTimeoutMs } = workerData;

// Numbers as SQLite hands them back: 64-bit integers, numerics and booleans as JavaScript numbers.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(16, (v) => (v === 't' ? 1 : 0));

let client = null;
let connecting = null;
let transaction = 0;
let assumedRole = false;
const names = new Map();

function errorOf(error, unavailable) {
  return {
    message: error && error.message ? String(error.message) : String(error),
    code: error && error.code ? String(error.code) : undefined,
    constraint: error && error.constraint ? String(error.constraint) : undefined,
    table: error && error.table ? String(error.table) : undefined,
    detail: error && error.detail ? String(error.detail) : undefined,
    unavailable,
  };
}

// SQLSTATE classes 08 (connection), 53 (resources), 57P (operator intervention: shutdown, restart), 3D000 / 28xxx at connect.
function isUnavailable(error) {
  const code = error && error.code ? String(error.code) : '';
  if (!code) return true;
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE' || code === 'ENOTFOUND';
}

function drop() {
  const old = client;
  client = null;
  transaction = 0;
  assumedRole = false;
  if (old) old.end().catch(() => {});
}

async function connection() {
  if (client) return client;
  if (!connecting) {
    connecting = (async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, application_name: 'lixiang' });
      c.on('error', () => { if (client === c) drop(); });
      await c.connect();
      client = c;
      // A database not migrated yet has no service role: the migration creates it, and assumes it after.
      if (role) await assume().catch((error) => { if (error.code !== '22023' && error.code !== '42704') throw error; });
      return c;
    })().finally(() => { connecting = null; });
  }
  return connecting;
}

async function assume() {
  if (!role || !client) return;
  await client.query('SET ROLE ' + role);
  assumedRole = true;
}

async function handle(request) {
  if (request.kind === 'close') {
    drop();
    return { ok: true };
  }
  if (request.transaction !== 0 && request.transaction !== transaction) {
    return { ok: false, error: { message: 'the connection to PostgreSQL was lost inside a transaction', code: '08006', unavailable: true } };
  }
  const c = await connection();
  if (request.kind === 'migrate') {
    const { drizzle } = requireFrom('drizzle-orm/node-postgres');
    const { migrate } = requireFrom('drizzle-orm/node-postgres/migrator');
    if (assumedRole) await c.query('RESET ROLE');
    await c.query('SELECT pg_advisory_lock($1)', [request.lockKey]);
    try {
      await migrate(drizzle({ client: c }), { migrationsFolder: request.folder });
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [request.lockKey]);
    }
    if (role) await assume();
    return { ok: true, rows: [], fields: [], count: 0 };
  }
  if (request.kind === 'simple') {
    await c.query(request.text);
    if (request.begins) transaction = request.begins;
    if (request.ends) transaction = 0;
    return { ok: true, rows: [], fields: [], count: 0 };
  }
  // Named: prepared once per connection, then only bound and executed (half the round trip's cost).
  let name = names.get(request.text);
  if (name === undefined) {
    name = 'lx' + names.size;
    names.set(request.text, name);
  }
  const result = await c.query({ name, text: request.text, values: request.values, rowMode: 'array' });
  return { ok: true, rows: result.rows, fields: result.fields.map((f) => f.name), count: result.rowCount ?? 0 };
}

port.on('message', (request) => {
  handle(request)
    .catch((error) => {
      const unavailable = isUnavailable(error);
      if (unavailable) drop();
      return { ok: false, error: errorOf(error, unavailable) };
    })
    .then((answer) => {
      answer.id = request.id;
      port.postMessage(answer);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
});
`;
