/**
 * Condition evaluators: one small state machine per AST node, per (rule, subject). Samples reach
 * the leaves that read their signal; `evaluate(now)` brings every node's truth up to `now` and
 * records when it last changed, so `for` nodes and heartbeats fire at the exact instant their
 * duration ran out even when the tick that notices comes later.
 */
import { anomalySignal, assertNever, type Comparison, type Condition } from './ast.js';

export interface RuleSample {
  readonly signal: string;
  /** ms since the epoch. */
  readonly t: number;
  readonly value: number;
}

export interface ConditionNode {
  observe(sample: RuleSample): void;
  /** Current truth at `now` (≥ every time seen so far). */
  evaluate(now: number): boolean;
  readonly state: boolean;
  /** When `state` last changed. */
  readonly changedAt: number;
  /** The earliest time the truth may change without a new sample, if any. */
  deadline(): number | undefined;
}

const compare = (x: number, op: Comparison, v: number): boolean => (op === '>' ? x > v : op === '>=' ? x >= v : op === '<' ? x < v : x <= v);

abstract class Node implements ConditionNode {
  state = false;
  changedAt: number;
  constructor(start: number) {
    this.changedAt = start;
  }
  abstract observe(sample: RuleSample): void;
  abstract evaluate(now: number): boolean;
  deadline(): number | undefined {
    return undefined;
  }
  protected set(truth: boolean, at: number): boolean {
    if (truth !== this.state) {
      this.state = truth;
      this.changedAt = at;
    }
    return this.state;
  }
}

class Threshold extends Node {
  constructor(private readonly c: Extract<Condition, { kind: 'threshold' }>, start: number) {
    super(start);
  }
  observe(s: RuleSample): void {
    if (s.signal !== this.c.signal) return;
    const { op, value, hysteresis } = this.c;
    // Raised: stays raised while the value is on the alarm side of the threshold moved back by the hysteresis.
    const hold = op === '>' || op === '>=' ? value - hysteresis : value + hysteresis;
    this.set(this.state ? compare(s.value, op, hold) : compare(s.value, op, value), s.t);
  }
  evaluate(): boolean {
    return this.state;
  }
}

/** A score above the threshold; held while above threshold − hysteresis (the same state machine as Threshold). */
class Anomalous extends Node {
  private readonly signal: string;
  constructor(private readonly c: Extract<Condition, { kind: 'anomalous' }>, start: number) {
    super(start);
    this.signal = anomalySignal(c);
  }
  observe(s: RuleSample): void {
    if (s.signal !== this.signal) return;
    this.set(s.value > (this.state ? this.c.threshold - this.c.hysteresis : this.c.threshold), s.t);
  }
  evaluate(): boolean {
    return this.state;
  }
}

class RateOfChange extends Node {
  private readonly history: RuleSample[] = [];
  constructor(private readonly c: Extract<Condition, { kind: 'rateOfChange' }>, start: number) {
    super(start);
  }
  observe(s: RuleSample): void {
    if (s.signal !== this.c.signal) return;
    const w = this.c.windowSec * 1000;
    // Keep the newest sample at or before t − w (the reference) and everything after it.
    while (this.history.length > 1 && (this.history[1] as RuleSample).t <= s.t - w) this.history.shift();
    const ref = this.history[0];
    if (ref !== undefined && ref.t <= s.t - w && s.t > ref.t) {
      const rate = ((s.value - ref.value) / (s.t - ref.t)) * 1000 * this.c.perSec;
      this.set(compare(this.c.absolute ? Math.abs(rate) : rate, this.c.op, this.c.value), s.t);
    }
    this.history.push(s);
    if (this.history.length > 100_000) this.history.shift();
  }
  evaluate(): boolean {
    return this.state;
  }
}

class Deviation extends Node {
  private readonly window: RuleSample[] = [];
  constructor(private readonly c: Extract<Condition, { kind: 'deviation' }>, start: number) {
    super(start);
  }
  observe(s: RuleSample): void {
    if (s.signal !== this.c.signal) return;
    const from = s.t - this.c.windowSec * 1000;
    while (this.window.length > 0 && (this.window[0] as RuleSample).t < from) this.window.shift();
    const n = this.window.length;
    if (n >= this.c.minSamples) {
      // Recomputed per sample: windows are small (seconds to an hour of one signal) and this is exact.
      let mean = 0;
      let m2 = 0;
      this.window.forEach((x, i) => {
        const d = x.value - mean;
        mean += d / (i + 1);
        m2 += d * (x.value - mean);
      });
      const sd = Math.sqrt(m2 / (n - 1));
      this.set(Math.abs(s.value - mean) > Math.max(this.c.sigmas * sd, this.c.minDelta), s.t);
    }
    this.window.push(s);
    if (this.window.length > 100_000) this.window.shift();
  }
  evaluate(): boolean {
    return this.state;
  }
}

class NoData extends Node {
  private lastSeen: number;
  constructor(private readonly c: Extract<Condition, { kind: 'noData' }>, start: number) {
    super(start);
    this.lastSeen = start;
  }
  observe(s: RuleSample): void {
    if (this.c.signal !== undefined && s.signal !== this.c.signal) return;
    if (s.t > this.lastSeen) this.lastSeen = s.t;
    this.set(false, s.t);
  }
  evaluate(now: number): boolean {
    const due = this.lastSeen + this.c.seconds * 1000;
    return this.set(now >= due, due);
  }
  override deadline(): number | undefined {
    return this.state ? undefined : this.lastSeen + this.c.seconds * 1000;
  }
}

class For extends Node {
  constructor(private readonly c: Extract<Condition, { kind: 'for' }>, private readonly inner: ConditionNode, start: number) {
    super(start);
  }
  observe(s: RuleSample): void {
    this.inner.observe(s);
  }
  evaluate(now: number): boolean {
    const on = this.inner.evaluate(now);
    if (!on) return this.set(false, this.inner.changedAt);
    const due = this.inner.changedAt + this.c.seconds * 1000;
    return this.set(now >= due, due);
  }
  override deadline(): number | undefined {
    const inner = this.inner.deadline();
    const own = this.inner.state && !this.state ? this.inner.changedAt + this.c.seconds * 1000 : undefined;
    return min(inner, own);
  }
}

class Combine extends Node {
  constructor(private readonly every: boolean, private readonly children: readonly ConditionNode[], start: number) {
    super(start);
  }
  observe(s: RuleSample): void {
    for (const c of this.children) c.observe(s);
  }
  evaluate(now: number): boolean {
    const states = this.children.map((c) => c.evaluate(now));
    const truth = this.every ? states.every(Boolean) : states.some(Boolean);
    if (truth === this.state) return truth;
    // When did the combination flip? all→true and any→false: when the last child got there (every
    // child changed since); all→false and any→true: when the first child with the new truth did.
    const at = this.every === truth ? Math.max(...this.children.map((c) => c.changedAt)) : Math.min(...this.children.filter((c) => c.state === truth).map((c) => c.changedAt));
    return this.set(truth, Math.max(at, this.changedAt));
  }
  override deadline(): number | undefined {
    return this.children.reduce<number | undefined>((d, c) => min(d, c.deadline()), undefined);
  }
}

function min(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Builds the evaluator tree for a condition; `start` is when watching began (heartbeats count from it). */
export function buildNode(c: Condition, start: number): ConditionNode {
  switch (c.kind) {
    case 'threshold':
      return new Threshold(c, start);
    case 'rateOfChange':
      return new RateOfChange(c, start);
    case 'deviation':
      return new Deviation(c, start);
    case 'anomalous':
      return new Anomalous(c, start);
    case 'noData':
      return new NoData(c, start);
    case 'for':
      return new For(c, buildNode(c.condition, start), start);
    case 'all':
      return new Combine(true, c.conditions.map((x) => buildNode(x, start)), start);
    case 'any':
      return new Combine(false, c.conditions.map((x) => buildNode(x, start)), start);
    default:
      return assertNever(c);
  }
}
