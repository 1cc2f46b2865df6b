/**
 * HTTP under /api/alerts: history and detail (platform.read), acknowledge and resolve
 * (alerts.respond: operators, technicians, engineers, admins), rules (read: platform.read; edit:
 * alerts.configure: engineers, admins), and a live stream of alert events as server-sent events
 * (WHATWG HTML §9.2: `event:` + `data:` lines, a blank line per event, `:` comments as keep-alive).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiModule } from '../api/index.js';
import { parseTime } from '../timeseries/index.js';
import { ALERT_STATES, type AlertEvent, type AlertQuery, type AlertState } from './model.js';
import { ruleToDocument } from './rules/schema.js';
import type { AlertService } from './service.js';

const TAGS = ['alerts'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const noteBody = { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 2000 } } } as const;
const ruleBody = { type: 'object', description: 'An alert rule document (docs/history.md §Alert rules)' } as const;

const STATE_PATTERN = `^(open|(${ALERT_STATES.join('|')})(,(${ALERT_STATES.join('|')}))*)$`;

/** `open`, one state, or several (`active,acknowledged`); the pattern above has checked the words. */
function parseStates(v: string): AlertQuery['state'] {
  if (v === 'open') return 'open';
  const states = [...new Set(v.split(','))] as AlertState[];
  return states.length === 1 ? states[0] : states;
}

export function alertsApi(service: AlertService, options: { keepAliveMs?: number } = {}): ApiModule {
  return {
    name: 'alerts',
    register(app: FastifyInstance) {
      const read = { permission: 'platform.read' as const };
      app.get('/api/alerts', {
        config: read,
        schema: {
          summary: 'Alert history, newest last; filter by state, twin, rule, severity and raise time',
          tags: TAGS,
          querystring: {
            type: 'object',
            properties: {
              state: { type: 'string', pattern: STATE_PATTERN, description: "open, or one or more of active, acknowledged, resolved separated by ','" },
              twin: { type: 'string' },
              twinId: { type: 'string', description: 'Same as twin (the web app sends twinId)' },
              source: { type: 'string', description: 'Only external alerts of this source (e.g. pdm)' },
              rule: { type: 'string' },
              severity: { type: 'string', enum: ['info', 'warning', 'critical'] },
              from: { type: 'string' },
              to: { type: 'string' },
              after: { type: 'string', description: 'Continue after this alert id' },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
          },
        },
      }, async (req) => {
        const q = req.query as Record<string, string | number | undefined>;
        const now = Date.now();
        const query: AlertQuery = {
          ...(q['state'] !== undefined ? { state: parseStates(String(q['state'])) } : {}),
          ...((q['twin'] ?? q['twinId']) !== undefined ? { twinId: String(q['twin'] ?? q['twinId']) } : {}),
          ...(q['source'] !== undefined ? { source: String(q['source']) } : {}),
          ...(q['rule'] !== undefined ? { ruleId: String(q['rule']) } : {}),
          ...(q['severity'] !== undefined ? { severity: q['severity'] as AlertQuery['severity'] } : {}),
          ...(q['from'] !== undefined ? { from: parseTime(String(q['from']), 'from', now) } : {}),
          ...(q['to'] !== undefined ? { to: parseTime(String(q['to']), 'to', now) } : {}),
          ...(q['after'] !== undefined ? { after: String(q['after']) } : {}),
          limit: Number(q['limit'] ?? 100),
        };
        const value = await service.query(query);
        return { value, ...(value.length === query.limit ? { next: value[value.length - 1]?.id } : {}) };
      });

      app.get('/api/alerts/stream', { config: read, schema: { summary: 'Live alert events (text/event-stream)', tags: TAGS } }, async (req, reply) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        res.write(': connected\n\n');
        const unsubscribe = service.stream.subscribe((e: AlertEvent) => {
          const name = e.kind === 'raised' ? 'alert.raised' : 'alert.changed';
          res.write(`event: ${name}\nid: ${e.alert.id}\ndata: ${JSON.stringify({ ...(e.kind === 'changed' ? { change: e.change } : {}), alert: e.alert })}\n\n`);
        });
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000);
        req.raw.on('close', () => {
          clearInterval(keepAlive);
          unsubscribe();
        });
      });

      app.get('/api/alerts/rules', { config: read, schema: { summary: 'Alert rules', tags: TAGS } }, async () => ({ value: service.listRules().map(ruleToDocument) }));
      app.get('/api/alerts/rules/:id', { config: read, schema: { summary: 'One alert rule', tags: TAGS, params: idParams } }, async (req) => ruleToDocument(service.getRule((req.params as { id: string }).id)));
      app.post('/api/alerts/rules', { config: { permission: 'alerts.configure' }, schema: { summary: 'Create an alert rule', tags: TAGS, body: ruleBody } }, async (req, reply) => reply.code(201).send(ruleToDocument(await service.saveRule(req.body, 'create'))));
      app.put('/api/alerts/rules/:id', { config: { permission: 'alerts.configure' }, schema: { summary: 'Replace an alert rule (its evaluation starts afresh)', tags: TAGS, params: idParams, body: ruleBody } }, async (req) => {
        const id = (req.params as { id: string }).id;
        return ruleToDocument(await service.saveRule({ ...(req.body as object), id }, 'replace'));
      });
      app.delete('/api/alerts/rules/:id', { config: { permission: 'alerts.configure' }, schema: { summary: 'Delete an alert rule (its open alerts resolve)', tags: TAGS, params: idParams } }, async (req, reply) => {
        await service.deleteRule((req.params as { id: string }).id);
        return reply.code(204).send();
      });

      app.get('/api/alerts/:id', { config: read, schema: { summary: 'One alert with its history', tags: TAGS, params: idParams } }, async (req) => service.get((req.params as { id: string }).id));
      app.post('/api/alerts/:id/acknowledge', { config: { permission: 'alerts.respond' }, schema: { summary: 'Acknowledge an active alert', tags: TAGS, params: idParams, body: noteBody } }, async (req) => {
        const note = (req.body as { note?: string } | undefined)?.note;
        return service.acknowledge((req.params as { id: string }).id, req.principal!.subject, note);
      });
      app.post('/api/alerts/:id/resolve', { config: { permission: 'alerts.respond' }, schema: { summary: 'Resolve an alert', tags: TAGS, params: idParams, body: noteBody } }, async (req) => {
        const note = (req.body as { note?: string } | undefined)?.note;
        return service.resolve((req.params as { id: string }).id, req.principal!.subject, note);
      });
    },
  };
}
