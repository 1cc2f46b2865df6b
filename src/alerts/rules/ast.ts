/**
 * Alert conditions as an immutable AST (discriminated union on `kind`), produced by schema.ts from
 * the JSON rule document and walked by evaluate.ts with an exhaustive switch.
 */
export type Comparison = '>' | '>=' | '<' | '<=';

export type Condition =
  /** Raises when `signal op value`; with hysteresis h it clears only once the value is h back on the other side. */
  | { readonly kind: 'threshold'; readonly signal: string; readonly op: Comparison; readonly value: number; readonly hysteresis: number }
  /** Change per `perSec` seconds, measured against the sample `windowSec` before the current one. */
  | { readonly kind: 'rateOfChange'; readonly signal: string; readonly op: Comparison; readonly value: number; readonly windowSec: number; readonly perSec: number; readonly absolute: boolean }
  /** |x − mean| > max(sigmas·σ, minDelta) over the samples of the previous `windowSec` (the current sample excluded). */
  | { readonly kind: 'deviation'; readonly signal: string; readonly windowSec: number; readonly sigmas: number; readonly minDelta: number; readonly minSamples: number }
  /**
   * The machine's anomaly score is above `threshold` (clears at or below threshold − hysteresis).
   * `signal` absent: the twin property `anomalyScore` (0–1, the highest score of the machine's
   * signals over the last 15 minutes, written by the ML live scorer); `signal` given: the series
   * `<twinId>/anomaly:<signal>` (per-minute maxima, fed through AlertService.observePoints).
   */
  | { readonly kind: 'anomalous'; readonly signal: string | undefined; readonly threshold: number; readonly hysteresis: number }
  /** True once no sample of `signal` (or of any signal, when absent) arrived for `seconds`. */
  | { readonly kind: 'noData'; readonly signal: string | undefined; readonly seconds: number }
  /** The inner condition has held continuously for `seconds` ("above 85 °C for 5 minutes"). */
  | { readonly kind: 'for'; readonly seconds: number; readonly condition: Condition }
  | { readonly kind: 'all'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'any'; readonly conditions: readonly Condition[] };

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Which twins (or devices) a rule watches. Several fields: the union. */
export interface RuleScope {
  /** Every subject that sends the signals. */
  readonly all?: boolean;
  /** Twins of these models or of models extending them (DTDL `extends`). */
  readonly models?: readonly string[];
  readonly twins?: readonly string[];
  /** An ADT query whose result rows are twins, e.g. every machine of LINE-2. */
  readonly query?: string;
}

export interface AlertRule {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly scope: RuleScope;
  readonly condition: Condition;
  /** Template with {twinId}, {rule}, {value}, {signal}; default `<name> on <twinId>`. */
  readonly message?: string;
  /** Not acknowledged after this long → severity raised to `severity` (default one level up). */
  readonly escalation?: { readonly afterSec: number; readonly severity?: Severity };
  /** `maxRaises` raises within `windowSec` → one alert stays open until the condition stays clear for windowSec. */
  readonly flapping: { readonly maxRaises: number; readonly windowSec: number };
  /** Resolve automatically when the condition clears (default true). */
  readonly autoResolve: boolean;
}

/** Signals a condition reads (for routing samples to rules). */
export function signalsOf(c: Condition): string[] {
  switch (c.kind) {
    case 'threshold':
    case 'rateOfChange':
    case 'deviation':
      return [c.signal];
    case 'anomalous':
      return [anomalySignal(c)];
    case 'noData':
      return c.signal === undefined ? [] : [c.signal];
    case 'for':
      return signalsOf(c.condition);
    case 'all':
    case 'any':
      return [...new Set(c.conditions.flatMap(signalsOf))];
    default:
      return assertNever(c);
  }
}

/** The twin property the ML live scorer writes (docs/ml-live.md §Live scorer). */
export const ANOMALY_SCORE_PROPERTY = 'anomalyScore';
/** Engine signals of the anomaly series `<twinId>/anomaly:<signal>` carry this prefix. */
export const ANOMALY_SERIES_PREFIX = 'anomaly:';

/** The engine signal an `anomalous` condition reads. */
export function anomalySignal(c: Extract<Condition, { kind: 'anomalous' }>): string {
  return c.signal === undefined ? ANOMALY_SCORE_PROPERTY : `${ANOMALY_SERIES_PREFIX}${c.signal}`;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
