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

const compilers = new WeakMap<readonly object[], FastifySchemaCompiler<object>>();

export function createValidatorCompiler(shared: readonly object[]): FastifySchemaCompiler<object> {
  const known = compilers.get(shared);
  if (known) return known;
  const strict = createAjv({ coerceTypes: false }, shared);
  const coercing = createAjv({ coerceTypes: 'array' }, shared);
  const compiled = new Map<string, ReturnType<Ajv['compile']>>();
  const compiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
    const body = httpPart === 'body';
    const key = `${body ? 'strict' : 'coercing'}:${createHash('sha256').update(JSON.stringify(schema)).digest('base64')}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = (body ? strict : coercing).compile(schema);
      compiled.set(key, validate);
    }
    return validate;
  };
  compilers.set(shared, compiler);
  return compiler;
}
