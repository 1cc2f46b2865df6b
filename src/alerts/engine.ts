/**
 * The rule engine: for every enabled rule and every subject (twin, or device without a twin) in its
 * scope, an evaluator tree (rules/evaluate.ts). Samples go to the rules that read their signal;
 * ticks move time forward for heartbeats and `for` durations. The output is transitions: a
 * (rule, subject) pair starting or stopping to fire, at the exact instant it did.
 *
 * Pure and synchronous (the clock is whatever times the caller passes), so every rule kind is
 * tested without timers. Times are the platform's arrival times, so ticks and samples share one clock.
 */
import { assertNever, signalsOf, type AlertRule } from './rules/ast.js';
import { buildNode, type ConditionNode } from './rules/evaluate.js';

export interface Transition {
  readonly ruleId: string;
  readonly subject: string;
  readonly firing: boolean;
  /** When the condition became true / false. */
  readonly t: number;
  /** The last value of the rule's first signal, for messages. */
  readonly value?: number;
  readonly signal?: string;
}

interface Watch {
  readonly node: ConditionNode;
  firing: boolean;
  lastEval: number;
}

interface RuleEntry {
  readonly rule: AlertRule;
  readonly signals: ReadonlySet<string>;
  /** Every signal matters (a heartbeat on any signal). */
  readonly anySignal: boolean;
  /** undefined: scope is `all` (subjects join when they first send something). */
  subjects: Set<string> | undefined;
  readonly watches: Map<string, Watch>;
}

const MAX_WATCHES_PER_RULE = 100_000;

export class RuleEngine {
  private readonly rules = new Map<string, RuleEntry>();
  private readonly lastValues = new Map<string, number>();

  /** Adds or replaces a rule (its evaluator state starts fresh). `subjects`: resolved scope, or undefined for `all`. */
  setRule(rule: AlertRule, subjects: readonly string[] | undefined, now: number): Transition[] {
    const out = this.removeRule(rule.id, now);
    if (!rule.enabled) return out;
    const anySignal = hasAnySignalHeartbeat(rule.condition);
    const entry: RuleEntry = { rule, signals: new Set(signalsOf(rule.condition)), anySignal, subjects: undefined, watches: new Map() };
    this.rules.set(rule.id, entry);
    if (subjects !== undefined) this.setSubjects(rule.id, subjects, now);
    return out;
  }

  /** Stops watching; open firings end now (so their alerts resolve). */
  removeRule(ruleId: string, now: number): Transition[] {
    const entry = this.rules.get(ruleId);
    if (entry === undefined) return [];
    this.rules.delete(ruleId);
    return [...entry.watches].filter(([, w]) => w.firing).map(([subject]) => ({ ruleId, subject, firing: false, t: now }));
  }

  /** Updates a rule's resolved scope: new subjects start watching at `now`, departed ones stop. */
  setSubjects(ruleId: string, subjects: readonly string[], now: number): Transition[] {
    const entry = this.rules.get(ruleId);
    if (entry === undefined) return [];
    const next = new Set(subjects);
    const out: Transition[] = [];
    for (const [subject, w] of entry.watches) {
      if (next.has(subject)) continue;
      entry.watches.delete(subject);
      if (w.firing) out.push({ ruleId, subject, firing: false, t: now });
    }
    entry.subjects = next;
    for (const s of next) if (!entry.watches.has(s)) this.watch(entry, s, now);
    return out;
  }

  ruleIds(): string[] {
    return [...this.rules.keys()];
  }

  private watch(entry: RuleEntry, subject: string, now: number): Watch | undefined {
    if (entry.watches.size >= MAX_WATCHES_PER_RULE) return undefined;
    const w: Watch = { node: buildNode(entry.rule.condition, now), firing: false, lastEval: now };
    entry.watches.set(subject, w);
    return w;
  }

  /** One value of one signal of one subject at time t. */
  sample(subject: string, signal: string, t: number, value: number): Transition[] {
    this.lastValues.set(`${subject}\u0000${signal}`, value);
    const out: Transition[] = [];
    for (const entry of this.rules.values()) {
      if (!entry.signals.has(signal) && !entry.anySignal) continue;
      let w = entry.watches.get(subject);
      if (w === undefined) {
        if (entry.subjects !== undefined) continue; // not in scope
        w = this.watch(entry, subject, t);
        if (w === undefined) continue;
      }
      // A sample handled after a later tick keeps its own time (heartbeats count from it); the
      // evaluation itself never goes back in time.
      w.node.observe({ signal, t, value });
      this.step(entry, subject, w, Math.max(t, w.lastEval), out);
    }
    return out;
  }

  /** Moves every watch to `now`; heartbeats and `for` durations that ran out fire. */
  tick(now: number): Transition[] {
    const out: Transition[] = [];
    for (const entry of this.rules.values()) {
      for (const [subject, w] of entry.watches) {
        if (now < w.lastEval) continue;
        this.step(entry, subject, w, now, out);
      }
    }
    return out;
  }

  /** The earliest instant a tick could produce a transition (for scheduling the next tick). */
  nextDeadline(): number | undefined {
    let d: number | undefined;
    for (const entry of this.rules.values()) {
      for (const w of entry.watches.values()) {
        const x = w.node.deadline();
        if (x !== undefined && (d === undefined || x < d)) d = x;
      }
    }
    return d;
  }

  /** Whether (rule, subject) is firing now. */
  isFiring(ruleId: string, subject: string): boolean {
    return this.rules.get(ruleId)?.watches.get(subject)?.firing ?? false;
  }

  private step(entry: RuleEntry, subject: string, w: Watch, now: number, out: Transition[]): void {
    w.lastEval = now;
    const truth = w.node.evaluate(now);
    if (truth === w.firing) return;
    w.firing = truth;
    const signal = [...entry.signals][0];
    const value = signal === undefined ? undefined : this.lastValues.get(`${subject}\u0000${signal}`);
    out.push({ ruleId: entry.rule.id, subject, firing: truth, t: w.node.changedAt, ...(signal !== undefined ? { signal } : {}), ...(value !== undefined ? { value } : {}) });
  }
}

function hasAnySignalHeartbeat(c: AlertRule['condition']): boolean {
  switch (c.kind) {
    case 'noData':
      return c.signal === undefined;
    case 'for':
      return hasAnySignalHeartbeat(c.condition);
    case 'all':
    case 'any':
      return c.conditions.some(hasAnySignalHeartbeat);
    case 'threshold':
    case 'rateOfChange':
    case 'deviation':
    case 'anomalous':
      return false;
    default:
      return assertNever(c);
  }
}
