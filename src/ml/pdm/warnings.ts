/**
 * Failure warnings: the policy that turns a machine's stream of probabilities into warning episodes,
 * and the scoring of episodes against failure records.
 *
 * Policy (per machine): raise when the probability is ≥ `raise` at `confirm` consecutive scorings;
 * clear when it stays below `clear` for `clearAfter` consecutive scorings, or when the machine fails
 * (the warning has then done its job). No warning is raised while the machine is failed or in repair.
 *
 * Scoring (docs/ml-live.md §Scoring): an episode [start, end] is a true positive when a failure of
 * that machine happens at f with start < f ≤ end + horizon (some moment of the warning preceded the
 * failure within the horizon), otherwise a false positive. A failure is detected when such an episode
 * exists; its lead time is f − start of the earliest such episode after the machine's previous
 * failure. Precision = TP episodes / episodes; recall = detected failures / failures.
 */
export interface WarningPolicy {
  readonly raise: number;
  readonly clear: number;
  /** Consecutive scorings at or above `raise` before raising: one number, or per mode (see ScoredPoint.perMode). */
  readonly confirm: number | Readonly<Record<string, number>>;
  readonly clearAfter: number;
}

export interface Episode {
  readonly deviceId: string;
  readonly start: number;
  /** Last moment the warning was on (the failure time when a failure ended it). */
  readonly end: number;
  /** Failure mode the warning named (the most likely one when it was raised). */
  readonly mode?: string;
  /** Highest probability seen during the episode. */
  readonly peak: number;
}

export interface ScoredPoint {
  readonly time: number;
  /** The score compared with `raise` and `clear` (with perMode: their maximum). */
  readonly probability: number;
  readonly inFailure: boolean;
  readonly mode?: string;
  /**
   * Per-mode scores: each mode counts its own consecutive scorings at or above `raise` against its
   * own `confirm`, so a mode whose false alarms are short-lived (a sensor drift for a few hours) can
   * demand more persistence than one whose signal only ever grows.
   */
  readonly perMode?: Readonly<Record<string, number>>;
}

/** Streaming form of the policy for one machine: feed scorings in time order. */
export class WarningState {
  private above = 0;
  private readonly aboveByMode = new Map<string, number>();
  private below = 0;
  private open: { start: number; last: number; mode?: string; peak: number } | null = null;

  constructor(
    readonly deviceId: string,
    private readonly policy: WarningPolicy,
  ) {}

  get active(): boolean {
    return this.open !== null;
  }

  get since(): number | undefined {
    return this.open?.start;
  }

  /** The mode that raised the open warning. */
  get mode(): string | undefined {
    return this.open?.mode;
  }

  /** Returns an episode when this scoring closed one. `raised` says whether this scoring opened one. */
  update(p: ScoredPoint): { closed?: Episode; raised: boolean } {
    const { raise, clear, confirm, clearAfter } = this.policy;
    if (p.inFailure) {
      this.above = 0;
      this.aboveByMode.clear();
      this.below = 0;
      return { closed: this.close(p.time), raised: false };
    }
    if (this.open) {
      this.open.last = p.time;
      if (p.probability > this.open.peak) this.open.peak = p.probability;
      this.below = p.probability < clear ? this.below + 1 : 0;
      if (this.below >= clearAfter) {
        this.below = 0;
        return { closed: this.close(p.time), raised: false };
      }
      return { raised: false };
    }
    let raisedMode: string | undefined;
    let raised = false;
    if (p.perMode) {
      for (const [mode, v] of Object.entries(p.perMode)) {
        const n = v >= raise ? (this.aboveByMode.get(mode) ?? 0) + 1 : 0;
        this.aboveByMode.set(mode, n);
        const need = typeof confirm === 'number' ? confirm : (confirm[mode] ?? Number.POSITIVE_INFINITY);
        if (n >= need && !raised) {
          raised = true;
          raisedMode = mode;
        }
      }
    } else {
      this.above = p.probability >= raise ? this.above + 1 : 0;
      raised = this.above >= (typeof confirm === 'number' ? confirm : Math.min(...Object.values(confirm)));
      raisedMode = p.mode;
    }
    if (raised) {
      this.above = 0;
      this.aboveByMode.clear();
      this.open = { start: p.time, last: p.time, peak: p.probability, ...(raisedMode ? { mode: raisedMode } : {}) };
      return { raised: true };
    }
    return { raised: false };
  }

  /** Closes an open episode at `end` (end of data) and returns it. */
  close(end: number): Episode | undefined {
    const o = this.open;
    if (!o) return undefined;
    this.open = null;
    return { deviceId: this.deviceId, start: o.start, end: Math.max(o.last, end), peak: o.peak, ...(o.mode ? { mode: o.mode } : {}) };
  }
}

/** Runs the policy over one machine's scorings (time order) and returns its episodes. */
export function episodesOf(deviceId: string, points: readonly ScoredPoint[], policy: WarningPolicy): Episode[] {
  const state = new WarningState(deviceId, policy);
  const out: Episode[] = [];
  for (const p of points) {
    const r = state.update(p);
    if (r.closed) out.push(r.closed);
  }
  const last = points[points.length - 1];
  const tail = last ? state.close(last.time) : undefined;
  if (tail) out.push(tail);
  return out;
}

export interface FailureEvent {
  readonly deviceId: string;
  readonly time: number;
  readonly mode: string;
}

export interface WarningScore {
  readonly episodes: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly failures: number;
  readonly detected: number;
  readonly precision: number;
  readonly recall: number;
  /** Hours, one per detected failure. */
  readonly leadTimesHours: readonly number[];
  readonly medianLeadHours: number;
  readonly perFailure: ReadonlyArray<FailureEvent & { readonly detected: boolean; readonly leadHours?: number }>;
  readonly falseAlarms: readonly Episode[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * `failures` are the ones recall is measured on; `judgeWith` (default: the same) are every failure
 * known, used to decide whether an episode was right: e.g. all modes, and failures just after the
 * scored window, so a warning at the window's end is not called false for want of its future.
 */
export function scoreWarnings(episodes: readonly Episode[], failures: readonly FailureEvent[], horizonMs: number, judgeWith: readonly FailureEvent[] = failures): WarningScore {
  const group = (list: readonly FailureEvent[]) => {
    const by = new Map<string, FailureEvent[]>();
    for (const f of list) by.set(f.deviceId, [...(by.get(f.deviceId) ?? []), f]);
    for (const l of by.values()) l.sort((a, b) => a.time - b.time);
    return by;
  };
  const byDevice = group(failures);
  const judges = group(judgeWith);
  const covers = (e: Episode, f: FailureEvent) => e.deviceId === f.deviceId && e.start < f.time && f.time <= e.end + horizonMs;

  let tp = 0;
  const falseAlarms: Episode[] = [];
  for (const e of episodes) {
    if ((judges.get(e.deviceId) ?? []).some((f) => covers(e, f))) tp++;
    else falseAlarms.push(e);
  }
  const perFailure: Array<FailureEvent & { detected: boolean; leadHours?: number }> = [];
  const leads: number[] = [];
  for (const [deviceId, list] of byDevice) {
    const mine = episodes.filter((e) => e.deviceId === deviceId);
    const all = judges.get(deviceId) ?? list;
    list.forEach((f) => {
      const before = all.filter((g) => g.time < f.time);
      const previous = before.length > 0 ? before[before.length - 1]!.time : Number.NEGATIVE_INFINITY;
      // An episode that started before the previous failure belongs to that one.
      const starts = mine.filter((e) => covers(e, f) && e.start >= previous).map((e) => e.start);
      if (starts.length === 0) perFailure.push({ ...f, detected: false });
      else {
        const lead = (f.time - Math.min(...starts)) / 3_600_000;
        leads.push(lead);
        perFailure.push({ ...f, detected: true, leadHours: lead });
      }
    });
  }
  perFailure.sort((a, b) => a.time - b.time || a.deviceId.localeCompare(b.deviceId));
  const detected = leads.length;
  return {
    episodes: episodes.length,
    truePositives: tp,
    falsePositives: episodes.length - tp,
    failures: failures.length,
    detected,
    precision: episodes.length === 0 ? 0 : tp / episodes.length,
    recall: failures.length === 0 ? 0 : detected / failures.length,
    leadTimesHours: leads,
    medianLeadHours: median(leads),
    perFailure,
    falseAlarms,
  };
}
