/**
 * The JSON form of alert rules (what the API accepts and stores) → the AST. Durations are
 * strings (`5m`, `PT5M`) or numbers of seconds. Any condition may carry `for`, which wraps it in a
 * `for` node: `{ "kind": "threshold", "signal": "temperature", "op": ">", "value": 85, "for": "5m" }`.
 */
import { z } from 'zod';
import { parseDuration } from '../../timeseries/index.js';
import { AlertErrors } from '../errors.js';
import { assertNever, type AlertRule, type Condition } from './ast.js';

const duration = z.union([z.number().positive(), z.string().min(1)]);
const comparison = z.enum(['>', '>=', '<', '<=']);
const signal = z.string().min(1).max(200);
const base = { for: duration.optional() };

type ConditionInput =
  | { kind: 'threshold'; signal: string; op: '>' | '>=' | '<' | '<='; value: number; hysteresis?: number; for?: number | string }
  | { kind: 'rateOfChange'; signal: string; op: '>' | '>=' | '<' | '<='; value: number; window: number | string; per?: number | string; absolute?: boolean; for?: number | string }
  | { kind: 'deviation'; signal: string; window: number | string; sigmas?: number; minDelta?: number; minSamples?: number; for?: number | string }
  | { kind: 'anomalous'; signal?: string; threshold?: number; hysteresis?: number; for?: number | string }
  | { kind: 'noData'; signal?: string; after: number | string }
  | { kind: 'all' | 'any'; conditions: ConditionInput[]; for?: number | string };

const conditionSchema: z.ZodType<ConditionInput> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('threshold'), signal, op: comparison, value: z.number(), hysteresis: z.number().nonnegative().optional(), ...base }),
    z.strictObject({ kind: z.literal('rateOfChange'), signal, op: comparison, value: z.number(), window: duration, per: duration.optional(), absolute: z.boolean().optional(), ...base }),
    z.strictObject({ kind: z.literal('deviation'), signal, window: duration, sigmas: z.number().positive().optional(), minDelta: z.number().nonnegative().optional(), minSamples: z.number().int().min(2).max(100_000).optional(), ...base }),
    // Scores are 0–1 (docs/ml-anomaly.md): a threshold outside (0, 1) never or always fires.
    z.strictObject({ kind: z.literal('anomalous'), signal: signal.optional(), threshold: z.number().gt(0).lt(1).optional(), hysteresis: z.number().min(0).lt(1).optional(), ...base }),
    z.strictObject({ kind: z.literal('noData'), signal: signal.optional(), after: duration }),
    z.strictObject({ kind: z.literal('all'), conditions: z.array(conditionSchema).min(1).max(20), ...base }),
    z.strictObject({ kind: z.literal('any'), conditions: z.array(conditionSchema).min(1).max(20), ...base }),
  ]),
);

const severity = z.enum(['info', 'warning', 'critical']);

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . - (up to 100), starting with a letter or digit'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().default(true),
  severity,
  scope: z.strictObject({
    all: z.boolean().optional(),
    models: z.array(z.string().min(1)).max(100).optional(),
    twins: z.array(z.string().min(1)).max(10_000).optional(),
    query: z.string().min(1).max(10_000).optional(),
  }).refine((s) => s.all === true || (s.models?.length ?? 0) > 0 || (s.twins?.length ?? 0) > 0 || s.query !== undefined, 'give at least one of all, models, twins, query'),
  condition: conditionSchema,
  message: z.string().max(1000).optional(),
  escalation: z.strictObject({ after: duration, severity: severity.optional() }).optional(),
  flapping: z.strictObject({ maxRaises: z.number().int().min(2).max(1000), window: duration }).optional(),
  autoResolve: z.boolean().default(true),
});

export type RuleDocument = z.input<typeof ruleSchema>;

const DEFAULT_FLAPPING = { maxRaises: 5, windowSec: 600 };
/** Issue 7: "anomaly score exceeds a threshold (default 0.9)". */
const DEFAULT_ANOMALY_THRESHOLD = 0.9;

/** Validates a rule document; throws alerts.invalid_rule naming the first problem's path. */
export function parseRule(input: unknown): AlertRule {
  const parsed = ruleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.join('.') : '';
    throw AlertErrors.create('invalid_rule', `rule${path ? ` ${path}` : ''}: ${issue?.message ?? 'invalid'}`, { path, reason: issue?.message ?? 'invalid' });
  }
  const r = parsed.data;
  try {
    return {
      id: r.id,
      name: r.name,
      ...(r.description !== undefined ? { description: r.description } : {}),
      enabled: r.enabled,
      severity: r.severity,
      scope: r.scope,
      condition: toAst(r.condition, 'condition'),
      ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.escalation ? { escalation: { afterSec: seconds(r.escalation.after, 'escalation.after'), ...(r.escalation.severity ? { severity: r.escalation.severity } : {}) } } : {}),
      flapping: r.flapping ? { maxRaises: r.flapping.maxRaises, windowSec: seconds(r.flapping.window, 'flapping.window') } : DEFAULT_FLAPPING,
      autoResolve: r.autoResolve,
    };
  } catch (err) {
    if (AlertErrors.is(err)) throw err;
    const path = (err as { details?: { field?: string } }).details?.field ?? '';
    throw AlertErrors.create('invalid_rule', `rule ${path}: ${(err as Error).message}`, { path, reason: (err as Error).message });
  }
}

function seconds(d: number | string, path: string): number {
  return typeof d === 'number' ? d : parseDuration(d, path) / 1000;
}

function toAst(c: ConditionInput, path: string): Condition {
  const node = inner(c, path);
  return 'for' in c && c.for !== undefined ? { kind: 'for', seconds: seconds(c.for, `${path}.for`), condition: node } : node;
}

function inner(c: ConditionInput, path: string): Condition {
  switch (c.kind) {
    case 'threshold':
      return { kind: 'threshold', signal: c.signal, op: c.op, value: c.value, hysteresis: c.hysteresis ?? 0 };
    case 'rateOfChange':
      return { kind: 'rateOfChange', signal: c.signal, op: c.op, value: c.value, windowSec: seconds(c.window, `${path}.window`), perSec: c.per === undefined ? 60 : seconds(c.per, `${path}.per`), absolute: c.absolute ?? false };
    case 'deviation':
      return { kind: 'deviation', signal: c.signal, windowSec: seconds(c.window, `${path}.window`), sigmas: c.sigmas ?? 3, minDelta: c.minDelta ?? 0, minSamples: c.minSamples ?? 10 };
    case 'anomalous': {
      const threshold = c.threshold ?? DEFAULT_ANOMALY_THRESHOLD;
      const hysteresis = c.hysteresis ?? 0;
      if (hysteresis >= threshold) throw AlertErrors.create('invalid_rule', `rule ${path}.hysteresis: must be below the threshold ${threshold}`, { path: `${path}.hysteresis`, reason: 'not below the threshold' });
      return { kind: 'anomalous', signal: c.signal, threshold, hysteresis };
    }
    case 'noData':
      return { kind: 'noData', signal: c.signal, seconds: seconds(c.after, `${path}.after`) };
    case 'all':
    case 'any':
      return { kind: c.kind, conditions: c.conditions.map((x, i) => toAst(x, `${path}.conditions.${i}`)) };
    default:
      return assertNever(c);
  }
}

/** The JSON document of a parsed rule (what is stored and returned by the API). */
export function ruleToDocument(rule: AlertRule): Record<string, unknown> {
  const doc: Record<string, unknown> = { id: rule.id, name: rule.name };
  if (rule.description !== undefined) doc['description'] = rule.description;
  doc['enabled'] = rule.enabled;
  doc['severity'] = rule.severity;
  doc['scope'] = rule.scope;
  doc['condition'] = conditionToDocument(rule.condition);
  if (rule.message !== undefined) doc['message'] = rule.message;
  if (rule.escalation) doc['escalation'] = { after: rule.escalation.afterSec, ...(rule.escalation.severity ? { severity: rule.escalation.severity } : {}) };
  doc['flapping'] = { maxRaises: rule.flapping.maxRaises, window: rule.flapping.windowSec };
  doc['autoResolve'] = rule.autoResolve;
  return doc;
}

function conditionToDocument(c: Condition): Record<string, unknown> {
  switch (c.kind) {
    case 'for':
      return { ...conditionToDocument(c.condition), for: c.seconds };
    case 'threshold':
      return { kind: c.kind, signal: c.signal, op: c.op, value: c.value, hysteresis: c.hysteresis };
    case 'rateOfChange':
      return { kind: c.kind, signal: c.signal, op: c.op, value: c.value, window: c.windowSec, per: c.perSec, absolute: c.absolute };
    case 'deviation':
      return { kind: c.kind, signal: c.signal, window: c.windowSec, sigmas: c.sigmas, minDelta: c.minDelta, minSamples: c.minSamples };
    case 'anomalous':
      return { kind: c.kind, ...(c.signal !== undefined ? { signal: c.signal } : {}), threshold: c.threshold, hysteresis: c.hysteresis };
    case 'noData':
      return { kind: c.kind, ...(c.signal !== undefined ? { signal: c.signal } : {}), after: c.seconds };
    case 'all':
    case 'any':
      return { kind: c.kind, conditions: c.conditions.map(conditionToDocument) };
    default:
      return assertNever(c);
  }
}
