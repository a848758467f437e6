/**
 * Request validation with two Ajv instances: bodies are validated strictly (no type coercion, no
 * silent removal of unknown fields: they are refused), while querystrings and path parameters,
 * which arrive as text, are coerced to their declared types.
 *
 * The compiled validators are kept per set of shared schemas, for the life of the process: an app
 * built again (the tests build one per test) reuses them instead of compiling every route's
 * schemas anew. A validator is a pure function of its schema, the shared schemas and the options.
 */
import { createHash } from 'node:crypto';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const COMMON: Options = {
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  discriminator: true,
  strict: false,
};

function createAjv(options: Options, shared: readonly object[]): Ajv {
  const ajv = new Ajv({ ...COMMON, ...options });
  addFormats(ajv, ['date', 'date-time', 'uuid', 'email', 'uri']);
  for (const schema of shared) ajv.addSchema(schema);
  return ajv;
}

type Validate = ReturnType<Ajv['compile']>;

/**
 * Where the first string holding U+0000 is (a JSON pointer), or null. It runs on every request's
 * body, query and parameters: a member's pointer is built only when the walk enters an object or
 * an array there, or finds the character, never for the plain values it passes.
 */
function nulAt(value: unknown, at: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at : null;
  if (typeof value !== 'object' || value === null || depth > 64) return null;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (key.includes('\u0000')) return `${at}/${key.replaceAll('\u0000', '\\u0000')}`;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return `${at}/${key}`;
    } else if (typeof item === 'object' && item !== null) {
      const found = nulAt(item, `${at}/${key}`, depth + 1);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * Text holding U+0000 is refused (400) in every part of every request: PostgreSQL's text cannot
 * hold it, so a value SQLite would store could not be stored there; both databases refuse it alike.
 */
function refusingNul(validate: Validate): Validate {
  const checked = ((data: unknown) => {
    const at = nulAt(data, '');
    if (at !== null) {
      checked.errors = [{ instancePath: at, schemaPath: '#', keyword: 'nul', params: {}, message: '不得含有 U+0000 字符 / must not contain the character U+0000' }];
      return false;
    }
    const valid = validate(data);
    checked.errors = validate.errors;
    return valid;
  }) as Validate;
  return checked;
}

const compilers = new WeakMap<readonly object[], FastifySchemaCompiler<object>>();

export function createValidatorCompiler(shared: readonly object[]): FastifySchemaCompiler<object> {
  const known = compilers.get(shared);
  if (known) return known;
  const strict = createAjv({ coerceTypes: false }, shared);
  const coercing = createAjv({ coerceTypes: 'array' }, shared);
  const compiled = new Map<string, Validate>();
  const compiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
    const body = httpPart === 'body';
    const key = `${body ? 'strict' : 'coercing'}:${createHash('sha256').update(JSON.stringify(schema)).digest('base64')}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = refusingNul((body ? strict : coercing).compile(schema));
      compiled.set(key, validate);
    }
    return validate;
  };
  compilers.set(shared, compiler);
  return compiler;
}
