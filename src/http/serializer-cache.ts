/**
 * Fastify's response serializers (fast-json-stringify), compiled once per process for each
 * distinct schema instead of once per app: building them is most of buildApp()'s time, and the
 * tests build a fresh app per test. A serializer is a pure function of the route's response
 * schema, the shared schemas it may reference and the serializer options, so the cache is keyed on
 * their content and an app built later gets exactly the function it would have compiled.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

type Serializer = (data: unknown) => string;
type SerializerCompiler = (route: { schema?: unknown; method: string; url: string; httpStatus: string }) => Serializer;
type SerializerFactory = (externalSchemas?: unknown, serializerOpts?: object) => SerializerCompiler;

// Fastify's own default compiler, resolved from Fastify's dependencies rather than declared as ours.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const defaultFactory = (fromFastify('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => SerializerFactory }).SerializerSelector();

const compiled = new Map<string, Serializer>();
const digest = (value: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('base64');

export const cachingSerializerFactory: SerializerFactory = (externalSchemas, serializerOpts) => {
  const compile = defaultFactory(externalSchemas, serializerOpts);
  const context = digest([externalSchemas, serializerOpts ?? null]);
  return (route) => {
    const key = `${context}:${digest(route.schema)}`;
    let serializer = compiled.get(key);
    if (!serializer) {
      serializer = compile(route);
      compiled.set(key, serializer);
    }
    return serializer;
  };
};
