import { z } from 'zod';
import type { OwnedRoute } from '../kernel/route-declaration.ts';

type JsonObject = Record<string, unknown>;

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details', 'requestId'],
      properties: {
        code: { type: 'string', description: 'Stable snake_case code.' },
        message: { type: 'string', description: 'A sentence for people.' },
        details: { type: 'object' },
        requestId: { type: 'string' },
      },
    },
  },
};

/** JSON Schema of a zod schema, as OpenAPI 3.1 takes it; schemas that cannot be expressed become `{}`. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonObject {
  const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  delete converted.$schema;
  return converted;
}

/** Parameters of `in` (path or query) from an object schema's properties. */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name, in: location, required: location === 'path' || required.has(name), schema: propertySchema,
  }));
}

/** Path parameters a route's path names but its params schema does not describe. */
function undeclaredPathParameters(path: string, declared: JsonObject[]): JsonObject[] {
  const names = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  return names.filter((n) => !declared.some((p) => p.name === n)).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

/** The OpenAPI 3.1 document of every declared route; built once at start-up. */
export function buildOpenApiDocument(routes: readonly OwnedRoute[], info: { version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const openApiPath = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const pathParameters = parametersOf(route.params, 'path');
    const operation: JsonObject = {
      summary: route.summary,
      tags: route.tags ?? [route.owner],
      operationId: `${route.method.toLowerCase()}${openApiPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      'x-kirjuri-policy': route.policy.name,
      'x-kirjuri-owner': route.owner,
      parameters: [...pathParameters, ...undeclaredPathParameters(route.path, pathParameters), ...parametersOf(route.query, 'query')],
      responses: {
        ...Object.fromEntries(Object.entries(route.responses ?? { 200: 'OK' }).map(([status, description]) => [status, { description }])),
        default: { description: 'An error (API.md "Errors").', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    // A streaming route reads its own body; the only one so far takes a multipart upload.
    if (route.streamBody === 'form') operation.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object' } }, 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } };
    else if (route.streamBody) operation.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object' } } } };
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body) } } };
    (paths[openApiPath] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kirjuri API', version: info.version, description: 'Self-hosted field documentation. Errors follow API.md: {"error":{code,message,details,requestId}}.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: '__Host-kirjuri-session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
