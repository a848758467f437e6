/**
 * The PostgreSQL schema, derived from the one schema of the service (./schema.ts) table by table:
 * the same names, columns, keys, references, indexes and checks, in the types that hold the same
 * values (integer → bigint, so that epoch milliseconds fit; real → double precision; blob → bytea;
 * text → text). drizzle-kit generates migrations/pg from it (DB_DIALECT=postgresql), so the two
 * dialects cannot drift: a column added to schema.ts is a column of both.
 */
import { is, SQL, type SQLChunk } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  doublePrecision,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type AnyPgColumn,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteColumn, SQLiteTable, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as sqlite from './schema.js';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** The pg column builder holding what `column` holds, with its constraints. */
function columnOf(column: AnySQLiteColumn): PgColumnBuilderBase {
  const config = column as unknown as { columnType: string; autoIncrement?: boolean };
  let builder;
  switch (config.columnType) {
    case 'SQLiteInteger':
    case 'SQLiteBoolean':
    case 'SQLiteTimestamp':
      builder = bigint({ mode: 'number' });
      break;
    case 'SQLiteReal':
      builder = doublePrecision();
      break;
    case 'SQLiteBlobBuffer':
    case 'SQLiteBlobJson':
    case 'SQLiteBigInt':
      builder = bytea();
      break;
    case 'SQLiteText':
    case 'SQLiteTextJson':
      builder = text();
      break;
    default:
      throw new TypeError(`no PostgreSQL type for ${column.name} (${config.columnType})`);
  }
  if (column.primary) builder = builder.primaryKey();
  if (column.primary && config.autoIncrement) builder = (builder as ReturnType<typeof bigint>).generatedByDefaultAsIdentity();
  if (column.notNull && !column.primary) builder = builder.notNull();
  if (column.hasDefault && column.default !== undefined) {
    const value = column.default;
    builder = builder.default((typeof value === 'boolean' ? Number(value) : value) as never);
  }
  if (column.isUnique) builder = builder.unique(column.uniqueName);
  return builder;
}

type Mapped = PgTableWithColumns<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const derived = new Map<SQLiteTable, Mapped>();

function columnsOf(table: Mapped, columns: readonly AnySQLiteColumn[]): [AnyPgColumn, ...AnyPgColumn[]] {
  const byName = new Map<string, AnyPgColumn>();
  for (const [key, value] of Object.entries(table)) if (value && typeof value === 'object' && 'columnType' in value) byName.set(key, value as AnyPgColumn);
  return columns.map((c) => {
    const key = keyOf(c);
    const found = byName.get(key);
    if (!found) throw new TypeError(`column ${key} not found in ${c.table ? getTableConfig(c.table).name : '?'}`);
    return found;
  }) as [AnyPgColumn, ...AnyPgColumn[]];
}

/** The key a column has in its table object (Drizzle names it from the key, in snake_case). */
function keyOf(column: AnySQLiteColumn): string {
  const table = column.table as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(table)) if (value === column) return key;
  throw new TypeError(`column ${column.name} has no key`);
}

/** The SQL with each SQLite column of `table` replaced by the PostgreSQL one. */
function translated(value: SQL, target: Mapped): SQL {
  const chunks = value.queryChunks.map((chunk): SQLChunk => {
    if (is(chunk, SQLiteColumn)) return columnsOf(target, [chunk])[0];
    if (is(chunk, SQL)) return translated(chunk, target);
    return chunk;
  });
  return new SQL(chunks);
}

function tableOf(source: SQLiteTable): Mapped {
  const existing = derived.get(source);
  if (existing) return existing;
  const config = getTableConfig(source);
  const shape: Record<string, PgColumnBuilderBase> = {};
  for (const [key, value] of Object.entries(source)) if (is(value, SQLiteColumn)) shape[key] = columnOf(value);
  const table: Mapped = pgTable(config.name, shape, (t) => [
    ...config.primaryKeys.map((key) => primaryKey({ columns: columnsOf(t as Mapped, key.columns), ...(key.name ? { name: key.name } : {}) })),
    ...config.indexes.map((ix) => {
      const c = ix.config;
      const on = columnsOf(t as Mapped, c.columns as AnySQLiteColumn[]);
      const built = (c.unique ? uniqueIndex(c.name) : index(c.name)).on(...on);
      return c.where ? built.where(translated(c.where, t as Mapped)) : built;
    }),
    ...config.checks.map((ck) => check(ck.name, translated(ck.value, t as Mapped))),
    ...config.foreignKeys.map((fk) => {
      const reference = fk.reference();
      const target = tableOf(reference.foreignTable);
      let built = foreignKey({
        columns: columnsOf(t as Mapped, reference.columns as AnySQLiteColumn[]),
        foreignColumns: columnsOf(target, reference.foreignColumns as AnySQLiteColumn[]),
        name: fk.getName(),
      });
      if (fk.onDelete) built = built.onDelete(fk.onDelete);
      if (fk.onUpdate) built = built.onUpdate(fk.onUpdate);
      return built;
    }),
  ]);
  derived.set(source, table);
  return table;
}

/** Every table of ./schema.ts, by its export name. */
export const pgSchema: Record<string, Mapped> = Object.fromEntries(
  Object.entries(sqlite)
    .filter(([, value]) => is(value, SQLiteTable))
    .map(([name, value]) => [name, tableOf(value as SQLiteTable)]),
);

// drizzle-kit reads the tables from the module's named exports; test/db/pg-schema.test.ts checks that every table of ./schema.ts is here.
export const {
  units,
  users,
  userCredentials,
  sessions,
  rounds,
  projects,
  reviewerAssignments,
  reviews,
  files,
  roundExtensions,
  acceptanceAssignments,
  acceptanceReviews,
  panels,
  panelMembers,
  letterRevisions,
  calendarYears,
  roundDocuments,
  transitionLog,
  idempotencyRecords,
  securityEvents,
  checkpoints,
  refusedAttempts,
  sealedHead,
} = pgSchema;
