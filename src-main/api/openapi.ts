// OpenAPI 3.1 document for /api/v1, generated from the zod schemas the server validates with (zod 4's
// z.toJSONSchema emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
import { z } from 'zod';
import { contract } from '../../src-contract/api.ts';
import { ErrorResponseSchema } from '../../src-contract/errors.ts';
import {
  AcceptedFrameSchema, CallbackBodySchema, DuplicateFrameSchema, HealthzSchema, JobSchema, ProcessFrameRequestSchema,
  ProcessFrameResultSchema, REST_PREFIX, V1WsClientMessageSchema, V1WsServerMessageSchema,
} from '../../src-contract/rest.ts';
import type { ContractRoute } from './rest-routes.ts';

type Json = Record<string, unknown>;

function schema(s: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return out;
}

const errorRef = { $ref: '#/components/schemas/ErrorResponse' };
const errors = (...codes: number[]): Json =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: errorRef } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (code INVALID_REQUEST / INVALID_IMAGE, field names the culprit)', 401: 'Not signed in / bad token', 403: 'Role or token scope not allowed',
  404: 'Not found', 409: 'Conflict', 413: 'Payload too large', 422: 'Understood but not processable', 429: 'Rate limited', 503: 'Queue full / engine unavailable', 504: 'Timed out',
};

function parameters(route: ContractRoute): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [['path', route.params], ['query', route.query]] as const) {
    if (!obj) continue;
    for (const [name, field] of Object.entries(obj.shape)) {
      const f = field as z.ZodType;
      out.push({ name, in: where, required: where === 'path' || !f.safeParse(undefined).success, schema: schema(f, 'input') });
    }
  }
  return out;
}

function rolesOf(route: ContractRoute): string {
  const roles = contract[route.contract].roles as readonly string[] | null;
  return roles ? roles.join(', ') : 'public';
}

export function buildOpenApi(routes: readonly ContractRoute[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const add = (method: string, path: string, op: Json) => {
    const p = `${REST_PREFIX}${path}`.replace(/:([A-Za-z_]+)/g, '{$1}');
    (paths[p] ??= {})[method.toLowerCase()] = op;
  };

  for (const r of routes) {
    const op: Json = {
      tags: [r.tag], summary: r.summary, operationId: `${r.method.toLowerCase()}${r.path.replace(/[/:-]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      description: `Contract method \`${r.contract}\`. Roles: ${rolesOf(r)}.`, 'x-vigil-contract-method': r.contract,
      parameters: parameters(r),
      responses: {
        [String(r.status ?? 200)]: r.file
          ? { description: 'The exported file', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } }
          : { description: 'OK', content: { 'application/json': { schema: schema(contract[r.contract].output, 'output') } } },
        ...errors(400, 401, 403, 404),
      },
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } };
    add(r.method, r.path, op);
  }

  add('POST', '/detections/process-frame', {
    tags: ['detections'], summary: 'Submit one frame for detection; sync by default, async with detection_options.processing.async',
    description: 'Needs an admin session or an API token with the "frames" scope. A frame_id seen again for the same camera within the de-duplication window is answered with status "duplicate".',
    operationId: 'postProcessFrame',
    requestBody: { required: true, content: { 'application/json': { schema: schema(ProcessFrameRequestSchema, 'input') } } },
    responses: {
      200: { description: 'Processed (or duplicate)', content: { 'application/json': { schema: { oneOf: [schema(ProcessFrameResultSchema, 'output'), schema(DuplicateFrameSchema, 'output')] } } } },
      202: { description: 'Queued (async)', content: { 'application/json': { schema: schema(AcceptedFrameSchema, 'output') } } },
      ...errors(400, 401, 403, 413, 422, 503, 504),
    },
    callbacks: {
      result: {
        '{$request.body#/client_context/callback_url}': {
          post: {
            summary: 'Async result, signed: X-Vigil-Signature: sha256=hex(HMAC-SHA256(api_token, X-Vigil-Timestamp + "." + body))',
            requestBody: { content: { 'application/json': { schema: schema(CallbackBodySchema, 'output') } } },
            responses: { 200: { description: 'Received' } },
          },
        },
      },
    },
  });
  add('GET', '/jobs/:id', {
    tags: ['detections'], summary: 'State and result of an async frame job', operationId: 'getJob',
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { 200: { description: 'OK', content: { 'application/json': { schema: schema(JobSchema, 'output') } } }, ...errors(401, 403, 404) },
  });
  add('GET', '/health', {
    tags: ['system'], summary: 'Health (no authentication, no personal data); same as GET /healthz', operationId: 'getHealth', security: [],
    responses: { 200: { description: 'OK', content: { 'application/json': { schema: schema(HealthzSchema, 'output') } } } },
  });
  add('GET', '/detections/ws/:client_id', {
    tags: ['detections'], summary: 'WebSocket: live detection events (upgrade). Messages are described by x-vigil-messages.', operationId: 'detectionsWebSocket',
    parameters: [{ name: 'client_id', in: 'path', required: true, schema: { type: 'string' } }, { name: 'access_token', in: 'query', required: false, schema: { type: 'string' } }],
    responses: { 101: { description: 'Switching protocols' }, ...errors(400, 401, 403) },
    'x-vigil-messages': { client: schema(V1WsClientMessageSchema, 'input'), server: schema(V1WsServerMessageSchema, 'output') },
  });

  return {
    openapi: '3.1.0',
    info: { title: 'Vigil API', version, description: 'Public REST + WebSocket API of the Vigil host. See docs/api.md for authentication, tokens and the WebSocket protocol.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (vgl_...) with scopes read / write / frames' },
        session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
      },
      schemas: { ErrorResponse: schema(ErrorResponseSchema, 'output') },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
