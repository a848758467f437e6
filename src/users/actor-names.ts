/**
 * Who an entry's actor is, by name: a user's current name from the directory; the service itself
 * and the command line by what they are. Log views, exports and the audit bundle show these names
 * beside the actor ids the log keeps (the log itself never changes: a renamed user shows its new name).
 */
import type Database from 'better-sqlite3';

/** Actors that are not users: the service's own acts, the operator at the command line. */
export const SERVICE_ACTOR_NAMES: Readonly<Record<string, string>> = {
  system: '系统 / The service',
  cli: '命令行管理员 / The command-line operator',
};

/** An actor's name, or null when the actor is unknown. */
export type ActorNameOf = (actorId: string) => string | null;

const CHUNK = 500;

/** The names of these actors, read at once (one query per 500 users). */
export function actorNames(sqlite: Database.Database, actorIds: Iterable<string>): ActorNameOf {
  const names = new Map<string, string>();
  const wanted = [...new Set(actorIds)].filter((id) => !Object.hasOwn(SERVICE_ACTOR_NAMES, id));
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const chunk = wanted.slice(i, i + CHUNK);
    const rows = sqlite.prepare<string[], { id: string; name: string }>(`SELECT id, name FROM users WHERE id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk);
    for (const row of rows) names.set(row.id, row.name);
  }
  return (actorId) => names.get(actorId) ?? SERVICE_ACTOR_NAMES[actorId] ?? null;
}

/** Every user as an actor of the audit bundle: id, name, role, unit; in id order. */
export interface ActorRecord {
  id: string;
  name: string;
  role: string;
  unitId: string | null;
}

/** The actors of the audit bundle, streamed: every user in id order, then the service's own actors. */
export function* allActors(sqlite: Database.Database): Generator<ActorRecord> {
  yield* sqlite.prepare<[], ActorRecord>('SELECT id, name, role, unit_id AS unitId FROM users ORDER BY id').iterate();
  yield { id: 'system', name: SERVICE_ACTOR_NAMES.system!, role: 'system', unitId: null };
  yield { id: 'cli', name: SERVICE_ACTOR_NAMES.cli!, role: 'admin', unitId: null };
}
