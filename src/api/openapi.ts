import type { FastifyInstance, RouteOptions } from 'fastify';
import { allErrorCodes } from '../shared/errors.js';
import { STATUS_BY_KIND } from './problem.js';

type JsonSchema = Record<string, unknown>;

interface CollectedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: Record<string, unknown>;
  readonly permission: string;
}

/**
 * Builds one OpenAPI 3.1 document from the routes as Fastify registers them, so the document
 * cannot drift from the code: every route, its JSON schemas, and the permission it needs.
 */
export class OpenApiCollector {
  private readonly routes: CollectedRoute[] = [];

  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route: RouteOptions) => {
      if (route.method === 'HEAD' || (Array.isArray(route.method) && route.method.every((m) => m === 'HEAD'))) return;
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      if (schema['hide'] === true) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const permission = String((route.config as { permission?: unknown } | undefined)?.permission ?? 'public');
      for (const method of methods) if (method !== 'HEAD') this.routes.push({ method: method.toLowerCase(), url: route.url, schema, permission });
    });
  }

  document(info: { version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of [...this.routes].sort((a, b) => a.url.localeCompare(b.url))) {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{wildcard}');
      (paths[path] ??= {})[r.method] = this.operation(r);
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Twinworks API', version: info.version, description: 'Every route lists the permission it needs in `x-permission`; errors are RFC 9457 problem details with a stable `code` (see `components.schemas.ErrorCode`). The ADT data plane (/models, /digitaltwins, /query, /eventroutes) answers errors in Azure Digital Twins\' shape instead.' },
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key', description: 'POST /api/auth/token, or an API key' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
        schemas: {
          Problem: {
            type: 'object',
            required: ['type', 'title', 'status', 'detail', 'code'],
            properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { $ref: '#/components/schemas/ErrorCode' }, instance: { type: 'string' } },
          },
          ErrorCode: {
            type: 'string',
            enum: allErrorCodes().map((e) => e.code),
            description: allErrorCodes()
              .map((e) => `- \`${e.code}\` (${STATUS_BY_KIND[e.kind]}): ${e.title}`)
              .join('\n'),
          },
        },
      },
    };
  }

  private operation(r: CollectedRoute): Record<string, unknown> {
    const s = r.schema;
    const parameters: unknown[] = [];
    for (const [where, key] of [
      ['path', 'params'],
      ['query', 'querystring'],
      ['header', 'headers'],
    ] as const) {
      const obj = s[key] as JsonSchema | undefined;
      const props = (obj?.['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((obj?.['required'] as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries(props)) parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema });
    }
    if (r.url.includes(':')) {
      for (const m of r.url.matchAll(/:([A-Za-z0-9_]+)/g)) {
        if (!parameters.some((p) => (p as { name: string; in: string }).name === m[1] && (p as { in: string }).in === 'path')) {
          parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
        }
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries((s['response'] ?? {}) as Record<string, JsonSchema>)) {
      responses[status] = { description: String(schema['description'] ?? 'response'), content: { 'application/json': { schema } } };
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'success' };
    responses['default'] = { description: 'error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    return {
      ...(s['summary'] ? { summary: s['summary'] } : {}),
      ...(s['description'] ? { description: s['description'] } : {}),
      ...(s['tags'] ? { tags: s['tags'] } : {}),
      parameters,
      ...(s['body'] ? { requestBody: { required: true, content: { 'application/json': { schema: s['body'] } } } } : {}),
      responses,
      'x-permission': r.permission,
      ...(r.permission === 'public' ? { security: [] } : { security: [{ bearer: [] }, { apiKey: [] }] }),
    };
  }
}
