/**
 * The engine's statements are written once, in the SQL that SQLite and PostgreSQL share; only the
 * placeholders differ. SQLite's `?`, `?NNN`, `@name`, `:name` and `$name` become PostgreSQL's `$n`
 * here, once per prepared statement, outside string literals, quoted identifiers and comments.
 */

export interface TranslatedSql {
  text: string;
  /** Per `$n` (index n-1): the positional argument's index, or the named argument's name. */
  slots: Array<number | string>;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const DIGITS = /[0-9]+/y;
const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;
const ALIAS = /(\s+)([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_(])/y;

export function translatePlaceholders(sql: string): TranslatedSql {
  let text = '';
  const slots: Array<number | string> = [];
  const named = new Map<string, number>();
  let positional = 0;
  let i = 0;
  const slotFor = (key: number | string): number => {
    if (typeof key === 'string') {
      const known = named.get(key);
      if (known !== undefined) return known;
      slots.push(key);
      named.set(key, slots.length);
      return slots.length;
    }
    slots.push(key);
    return slots.length;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = closing(sql, i, c);
      text += c === '`' ? `"${sql.slice(i + 1, end - 1)}"` : sql.slice(i, end);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      text += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      DIGITS.lastIndex = i + 1;
      const digits = DIGITS.exec(sql);
      if (digits) {
        text += `$${slotFor(Number(digits[0]) - 1)}`;
        i += 1 + digits[0].length;
      } else {
        text += `$${slotFor(positional++)}`;
        i += 1;
      }
    } else if ((c === '@' || c === ':' || c === '$') && sql[i + 1] !== ':' && (i === 0 || sql[i - 1] !== ':')) {
      NAME.lastIndex = i + 1;
      const name = NAME.exec(sql);
      if (name) {
        text += `$${slotFor(name[0])}`;
        i += 1 + name[0].length;
      } else {
        text += c;
        i += 1;
      }
    } else if (/[A-Za-z_]/.test(c) && (i === 0 || !/[A-Za-z0-9_$.]/.test(sql[i - 1]!))) {
      WORD.lastIndex = i;
      const word = WORD.exec(sql)![0];
      text += word;
      i += word.length;
      // PostgreSQL folds unquoted names to lower case: an alias such as `AS unitId` is quoted to keep its case.
      if (word.toUpperCase() === 'AS') {
        ALIAS.lastIndex = i;
        const alias = ALIAS.exec(sql);
        if (alias && /[A-Z]/.test(alias[2]!)) {
          text += `${alias[1]}"${alias[2]}"`;
          i += alias[0].length;
        }
      }
    } else {
      text += c;
      i += 1;
    }
  }
  return { text: unqualifyConflictTargets(text), slots };
}

/** `ON CONFLICT ("t"."a", "t"."b")`, as Drizzle writes it for SQLite, names bare columns on PostgreSQL. */
function unqualifyConflictTargets(text: string): string {
  return text.replace(/\bon conflict\s*\(([^)]*)\)/gi, (_match, target: string) => `on conflict (${target.replace(/"[^"]+"\."([^"]+)"/g, '"$1"')})`);
}

function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

/** The values for the `$n` of a statement, from better-sqlite3-style arguments (positional, or one object of named ones). */
export function bindValues(slots: ReadonlyArray<number | string>, args: readonly unknown[]): unknown[] {
  const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const named = flat.length > 0 && isPlainObject(flat[flat.length - 1]) ? (flat[flat.length - 1] as Record<string, unknown>) : undefined;
  return slots.map((slot) => {
    const value = typeof slot === 'number' ? flat[slot] : named?.[slot];
    if (value === undefined) throw new RangeError(`missing value for parameter ${String(typeof slot === 'number' ? slot + 1 : slot)}`);
    return normalise(value);
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Uint8Array);
}

function normalise(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value.toString();
  return value;
}
