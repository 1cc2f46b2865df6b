/**
 * External alerts: raised and cleared by another context (the ML live scorer's failure warnings
 * and maintenance recommendations) rather than by a rule. They go through the same lifecycle as
 * rule alerts (AlertManager): one open alert per (source, key), acknowledge, resolve, history,
 * notifications, `activeAlerts` on the twin. Their `ruleId` is `external:<source>`, which no rule
 * id can collide with (rule ids allow no ':').
 */
import { z } from 'zod';
import { AlertErrors } from './errors.js';
import type { Severity } from './rules/ast.js';

export const EXTERNAL_RULE_PREFIX = 'external:';

export interface ExternalAlertInput {
  /** The raising context, e.g. `pdm`: letters, digits, `_ . -`. */
  readonly source: string;
  /** Deduplication key within the source (e.g. the device id): raising it again while open adds an occurrence. */
  readonly key: string;
  /** The twin the alert is about; `deviceId` instead for a device bound to no twin. */
  readonly twinId?: string;
  readonly deviceId?: string;
  readonly severity: Severity;
  readonly title: string;
  /** Rendered text (default: the title). */
  readonly message?: string;
  /** Message key and parameters, for clients that render the text in their own language. */
  readonly messageKey?: string;
  readonly messageParams?: Readonly<Record<string, string | number>>;
  /** JSON attached as is (e.g. the recommendation: mode, due by, confidence, explanation). */
  readonly details?: unknown;
  /** When it was raised (ms since the epoch); default now. */
  readonly time?: number;
}

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (up to 64), starting with a letter or digit');
const text = (max: number) => z.string().min(1).max(max);

const inputSchema = z
  .strictObject({
    source: name,
    key: text(200),
    twinId: text(200).optional(),
    deviceId: text(200).optional(),
    severity: z.enum(['info', 'warning', 'critical']),
    title: text(200),
    message: text(2000).optional(),
    messageKey: text(200).optional(),
    messageParams: z.record(z.string(), z.union([z.string().max(1000), z.number()])).optional(),
    details: z.unknown().optional(),
    time: z.number().finite().optional(),
  })
  .refine((x) => x.twinId !== undefined || x.deviceId !== undefined, { message: 'give twinId or deviceId', path: ['twinId'] });

/** Stored in the alert document: keep it small enough for one storage row. */
const MAX_DETAILS_BYTES = 64 * 1024;

/** Validates what another context passes; throws alerts.invalid_external_alert naming the field. */
export function parseExternal(input: unknown): ExternalAlertInput {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? issue.path.join('.') : '';
    throw AlertErrors.create('invalid_external_alert', `external alert${field ? ` ${field}` : ''}: ${issue?.message ?? 'invalid'}`, { field, reason: issue?.message ?? 'invalid' });
  }
  const x = parsed.data;
  if (x.details !== undefined) {
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(x.details), 'utf8');
    } catch {
      throw AlertErrors.create('invalid_external_alert', 'external alert details: not JSON', { field: 'details', reason: 'not JSON' });
    }
    if (size > MAX_DETAILS_BYTES) throw AlertErrors.create('invalid_external_alert', `external alert details: ${size} bytes, at most ${MAX_DETAILS_BYTES}`, { field: 'details', reason: 'too large' });
  }
  return x;
}
