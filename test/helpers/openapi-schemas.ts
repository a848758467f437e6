/**
 * Checking answers against the OpenAPI document: validators for its schemas (JSON Schema 2020-12,
 * formats checked), whose `$ref`s resolve into the document's components.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** What the tests read of an OpenAPI document. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: Record<string, unknown>;
}

/** A validator for each schema of `document` (compiled once per schema object). */
export function schemaValidator(document: Pick<OpenApiDocument, 'components'>): (schema: unknown) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: document.components });
  const rebase = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rebase);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? `openapi.json${value}` : rebase(value)]));
    }
    return node;
  };
  const cache = new Map<unknown, ValidateFunction>();
  return (schema) => {
    let validate = cache.get(schema);
    if (!validate) {
      validate = ajv.compile(rebase(schema) as object);
      cache.set(schema, validate);
    }
    return validate;
  };
}
