/**
 * Request validation with two Ajv instances: bodies are validated strictly (no type coercion, no
 * silent removal of unknown fields: they are refused), while querystrings and path parameters,
 * which arrive as text, are coerced to their declared types.
 */
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

export function createValidatorCompiler(shared: readonly object[]): FastifySchemaCompiler<object> {
  const strict = createAjv({ coerceTypes: false }, shared);
  const coercing = createAjv({ coerceTypes: 'array' }, shared);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema);
  };
}
