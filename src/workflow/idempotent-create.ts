/**
 * Idempotency-Key for the routes that create (projects, units, users, rounds, files, assignments).
 *
 * `idempotentCreate(options)` wraps a route's options: it documents the header, and its hooks make
 * a retried create (same caller, same key, same request) answer the first answer again — same
 * status, same body, its ETag and Location, with `Idempotent-Replayed: true` — writing nothing. The
 * same key with another request is refused (422 idempotency-key-reused); keys are per caller, in
 * the idempotency_records table the events use. Only successful answers are kept: a refused create
 * wrote nothing, so its retry runs again.
 *
 * Concurrency: one request per caller and key runs at a time in this process (the service is one
 * process on one SQLite file); a second one waits, then finds the first's record and replays it.
 *
 * A crash between the create's commit and its answer: the key is reserved (status 0, the request's
 * id) before the create runs, and the reservation takes the answer once it is sent (a refusal
 * removes it). A retry that finds a reservation asks the log whether that request wrote anything:
 * if it did, the retry is a 409 `already_created` naming what was created (its answer is lost, it
 * is never made twice); if not, the first attempt never committed and the retry creates.
 *
 * Secrets: an answer field named in `withhold` (the new user's token) is never stored. A replay of
 * such an answer is a 409 `token_not_replayed` naming the created resource: the token was shown once;
 * the caller gets a new one by reissuing it.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { Type } from 'typebox';
import { isoUtc } from '../clock.js';
import { DatabaseUnavailableError } from '../db/pg/sync-client.js';
import { Problem } from '../http/problems.js';
import { problems, REPLAYED_HEADER } from '../http/schemas.js';
import type { IdempotencyRepository } from './idempotency.repository.js';
import type { IdempotencyRecordRow } from '../db/schema.js';
import { requestHash } from './step.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The idempotency records, for the routes that create (src/workflow/idempotent-create.ts). */
    idempotency: IdempotencyRepository;
  }
}

export const IDEMPOTENCY_KEY_HEADER = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 200,
    description:
      '每个意图中的新建唯一；同一调用者以同一键重复同一请求时重放首次应答，不再新建；首次应答因中断未能保存时答 409 already_created 并给出已建对象的 id / ' +
      'Unique per intended create; the same caller repeating the same request with it gets the first answer again, nothing is created twice; ' +
      'when the first answer was lost to an interruption, 409 already_created with the created id',
    examples: ['create-2023-001'],
  }),
);

/** What a create record keeps: the answer's headers worth replaying and its body, as sent. */
interface StoredCreate {
  headers: Record<string, string>;
  body: string;
  /** The answer fields left out of the record (secrets shown once). */
  withheld?: string[];
  /** Where the created resource is, for a withheld answer's refusal. */
  id?: string;
}

interface Pending {
  userId: string;
  key: string;
  hash: string;
  release: () => void;
}

const REPLAYED_HEADERS = ['etag', 'location'] as const;

/** A reserved key's status: the create is running, or stopped before its answer was recorded. */
const RESERVED = 0;
/** How long a reservation younger than this, by another instance, is waited for before it counts as abandoned. */
const RESERVATION_WAIT_MS = 10_000;
const RESERVATION_POLL_MS = 50;
interface Reservation {
  pending: true;
  /** The reserving request's id, which every log entry of its create carries. */
  requestId: string;
}

const pendingOf = new WeakMap<FastifyRequest, Pending>();
/** Per caller and key, the request in flight: the next one waits for it. */
const inFlight = new Map<string, Promise<void>>();

export interface IdempotentCreateOptions {
  /** Answer fields never stored (a replay of such an answer is a 409). */
  withhold?: string[];
}

function keyOf(request: FastifyRequest): string | null {
  const value = request.headers['idempotency-key'];
  if (typeof value !== 'string' || value.length === 0) return null;
  if (value.length > 200) throw new Problem('validation-failed', 'Idempotency-Key 至多 200 个字符 / Idempotency-Key has at most 200 characters', { field: 'idempotency-key' });
  return value;
}

/** Waits for the caller's request in flight with this key, then holds the key until released. */
async function acquire(slot: string): Promise<() => void> {
  for (;;) {
    const previous = inFlight.get(slot);
    if (!previous) break;
    await previous;
  }
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = () => {
      if (inFlight.get(slot) === done) inFlight.delete(slot);
      resolve();
    };
  });
  inFlight.set(slot, done);
  return release;
}

interface HeldPart {
  type: string;
  fieldname: string;
  filename?: string;
  mimetype?: string;
  content: Buffer;
}

/**
 * A multipart body is read by its handler through `request.parts()`: under a key it is read here
 * first, within the same limits, and handed to the handler from memory (a reading error too, so
 * the handler refuses as it would have). Its hash is that of each part's name, file name and bytes,
 * never of the boundary, which a client's retry may change.
 */
async function holdMultipart(request: FastifyRequest): Promise<unknown[] | null> {
  const held: HeldPart[] = [];
  let failure: Error | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') held.push({ type: 'file', fieldname: part.fieldname, filename: part.filename, mimetype: part.mimetype, content: await part.toBuffer() });
      else held.push({ type: part.type, fieldname: part.fieldname, content: Buffer.from(String(part.value)) });
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  const replay = async function* () {
    for (const part of held) {
      yield { ...part, value: part.content.toString(), file: Readable.from([part.content]), toBuffer: () => Promise.resolve(part.content) };
    }
    if (failure) throw failure;
  };
  (request as unknown as { parts: () => AsyncGenerator<unknown> }).parts = replay;
  if (failure) return null;
  return held.map((part) => ({ fieldname: part.fieldname, filename: part.filename ?? null, sha256: createHash('sha256').update(part.content).digest('hex') }));
}

async function checkKey(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const key = keyOf(request);
  const principal = request.principal;
  if (!key || !principal) return;
  const store = request.server.idempotency;
  let body: unknown = request.body ?? null;
  if (request.isMultipart?.()) {
    body = await holdMultipart(request);
    // The body could not be read: the handler refuses it, nothing is created, nothing is kept.
    if (body === null) return;
  }
  const hash = requestHash({ method: request.method, route: request.routeOptions.url, params: request.params ?? {}, query: request.query ?? {}, body });
  const release = await acquire(`${principal.id}\u0000${key}`);
  let held = true;
  try {
    let record: IdempotencyRecordRow | undefined;
    // Another instance's create under the same key (PostgreSQL) is waited for, a while, then replayed.
    const waitUntil = Date.now() + RESERVATION_WAIT_MS;
    for (;;) {
      record = store.find(principal.id, key);
      if (record && record.requestHash !== hash) {
        throw new Problem('idempotency-key-reused', '该幂等键已用于另一个请求 / This Idempotency-Key was used for a different request');
      }
      if (record && record.statusCode === RESERVED) {
        const reservedAt = Date.parse(record.createdAt);
        if (store.othersWrite && Date.now() < waitUntil && Date.now() - reservedAt < RESERVATION_WAIT_MS) {
          await new Promise((resolve) => setTimeout(resolve, RESERVATION_POLL_MS));
          continue;
        }
        // An attempt reserved the key and never recorded its answer: the process stopped in between.
        const { requestId } = JSON.parse(record.responseBody) as Reservation;
        const created = store.firstEntryOf(requestId);
        if (created) {
          throw new Problem(
            'conflict',
            `此请求此前已完成（${created.subjectId}），但应答未能保存，不再重复新建 / This request was done before (${created.subjectKind} ${created.subjectId}) but its answer was lost; it is not made twice`,
            { code: 'already_created', id: created.subjectId },
          );
        }
        store.remove(principal.id, key);
        record = undefined;
      }
      if (!record) {
        const reservation: Reservation = { pending: true, requestId: request.id };
        // Atomic: of two instances reserving the key at once, one saves; the other reads the record again.
        if (!store.reserve({ userId: principal.id, key, requestHash: hash, statusCode: RESERVED, responseBody: JSON.stringify(reservation), createdAt: isoUtc(Date.now()) }))
          continue;
        pendingOf.set(request, { userId: principal.id, key, hash, release });
        held = false;
        return;
      }
      break;
    }
    const stored = JSON.parse(record.responseBody) as StoredCreate;
    if (stored.withheld?.length) {
      throw new Problem(
        'conflict',
        `此请求已完成（${stored.id ?? ''}），其应答含只出示一次的 ${stored.withheld.join(', ')}，不能重放；请重新签发 / This request was done (${stored.id ?? ''}); its answer held ${stored.withheld.join(', ')}, shown once and never stored, so it is not replayed: reissue it`,
        { code: 'token_not_replayed', ...(stored.id ? { id: stored.id } : {}), ...(stored.headers.location ? { location: stored.headers.location } : {}) },
      );
    }
    reply.header('Idempotent-Replayed', 'true');
    for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
    await reply.code(record.statusCode).type('application/json; charset=utf-8').send(stored.body);
  } finally {
    if (held) release();
  }
}

function recordAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown, withhold: string[]): void {
  const pending = pendingOf.get(request);
  if (!pending) return;
  pendingOf.delete(request);
  try {
    if (reply.statusCode < 200 || reply.statusCode > 299 || typeof payload !== 'string') {
      // Refused: nothing was created, nothing is kept; a retry runs again.
      try {
        request.server.idempotency.remove(pending.userId, pending.key);
      } catch (error) {
        // The database is gone (the refusal may be its 503): the reservation stays, and a retry finds no create in the log and takes it.
        if (!(error instanceof DatabaseUnavailableError)) throw error;
      }
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    let stored: StoredCreate = { headers, body: payload };
    if (withhold.length) {
      const answer = JSON.parse(payload) as Record<string, unknown>;
      const withheld = withhold.filter((field) => field in answer);
      for (const field of withheld) delete answer[field];
      stored = { headers, body: JSON.stringify(answer), withheld, ...(createdId(answer) ? { id: createdId(answer) } : {}) };
    }
    try {
      request.server.idempotency.complete(pending.userId, pending.key, reply.statusCode, JSON.stringify(stored));
    } catch (error) {
      // The create is committed and its answer goes out; the reservation stays, and a retry finds the create in the log.
      request.log.error({ err: error }, 'idempotency record not completed');
    }
  } finally {
    pending.release();
  }
}

/** The created resource's id in an answer: `{ id }`, or `{ user: { id } }` for a new user. */
function createdId(answer: Record<string, unknown>): string | undefined {
  if (typeof answer.id === 'string') return answer.id;
  const user = answer.user as { id?: unknown } | undefined;
  return typeof user?.id === 'string' ? user.id : undefined;
}

function releasePending(request: FastifyRequest): void {
  const pending = pendingOf.get(request);
  if (!pending) return;
  pendingOf.delete(request);
  pending.release();
}

type Hook = (...args: never[]) => unknown;
const asArray = (hook: Hook | Hook[] | undefined): Hook[] => (hook ? (Array.isArray(hook) ? hook : [hook]) : []);

interface WrappableSchema {
  headers?: unknown;
  response?: Record<string | number, unknown>;
}

/**
 * A create route's options, made idempotent under `Idempotency-Key`: the header documented, the
 * replay header on its success answers, the 422 for a reused key, and the hooks that do it.
 */
export function idempotentCreate<T extends RouteShorthandOptions>(options: T, settings: IdempotentCreateOptions = {}): T {
  const withhold = settings.withhold ?? [];
  const schema = (options.schema ?? {}) as WrappableSchema & Record<string, unknown>;
  const headers = schema.headers as { properties?: Record<string, unknown> } | undefined;
  const response: Record<string | number, unknown> = { ...(schema.response ?? {}) };
  for (const [status, answer] of Object.entries(response)) {
    if (!/^2\d\d$/.test(status) || !answer || typeof answer !== 'object') continue;
    const documented = answer as { headers?: Record<string, unknown> };
    response[status] = { ...documented, headers: { ...(documented.headers ?? {}), 'Idempotent-Replayed': REPLAYED_HEADER } };
  }
  for (const [status, problem] of Object.entries(problems('idempotency-key-reused', 'conflict'))) {
    const existing = response[status] as { description?: string; content?: Record<string, { schema?: unknown; examples?: unknown }> } | undefined;
    if (!existing) response[status] = problem;
    else if (existing !== problem) response[status] = mergeProblems(existing, problem);
  }
  const idempotencyHeaders = headers?.properties
    ? { ...headers, properties: { ...headers.properties, 'idempotency-key': IDEMPOTENCY_KEY_HEADER } }
    : Type.Object({ 'idempotency-key': IDEMPOTENCY_KEY_HEADER });
  const wrapped = options as T & Record<string, unknown>;
  return {
    ...options,
    schema: {
      ...schema,
      ...(withhold.length && typeof schema.description === 'string'
        ? {
            description:
              `${schema.description}\n` +
              `带 Idempotency-Key 重试时不重放应答中只出示一次的 ${withhold.join(', ')}：答 409（code token_not_replayed，并给出已建对象的 id）。\n` +
              `A retry with the Idempotency-Key does not replay ${withhold.join(', ')}, shown once and never stored: it answers 409 (code token_not_replayed, with the created id).`,
          }
        : {}),
      headers: idempotencyHeaders,
      response,
    },
    preHandler: [...asArray(wrapped.preHandler), checkKey],
    onSend: [
      ...asArray(wrapped.onSend),
      (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
        recordAnswer(request, reply, payload, withhold);
        done(null, payload);
      },
    ],
    onResponse: [...asArray(wrapped.onResponse), (request: FastifyRequest, _reply: FastifyReply, done: () => void) => (releasePending(request), done())],
    onRequestAbort: [...asArray(wrapped.onRequestAbort), (request: FastifyRequest, done: () => void) => (releasePending(request), done())],
  };
}

/** One documented problem answer for a status that already had one: both kinds' examples. */
function mergeProblems(existing: { description?: string; content?: Record<string, { schema?: unknown; examples?: unknown }> }, added: unknown): unknown {
  const addedContent = (added as { content?: Record<string, { examples?: Record<string, unknown> }> }).content ?? {};
  const content: Record<string, unknown> = { ...(existing.content ?? {}) };
  for (const [media, body] of Object.entries(addedContent)) {
    const current = (content[media] ?? {}) as { examples?: Record<string, unknown> };
    content[media] = { ...current, ...body, examples: { ...(current.examples ?? {}), ...(body.examples ?? {}) } };
  }
  const description = [existing.description, (added as { description?: string }).description].filter(Boolean).join('; ');
  return { ...existing, description, content };
}

/** `idempotentCreate` for an answer that carries a new token: the token is never kept, a retry is a 409. */
export const idempotentCreateWithheld = <T extends RouteShorthandOptions>(options: T): T => idempotentCreate(options, { withhold: ['token'] });
