/**
 * A sampled signal as a function of time, for time-weighted averages and interpolation.
 *
 * Model (docs/history.md §Interpolation):
 * - Points with the same source time collapse to the one that arrived last (a resend or correction).
 * - step (LOCF, last observation carried forward): x(t) = value of the last point at or before t.
 * - linear: between consecutive points p_i, p_{i+1}, x(t) = v_i + (v_{i+1} − v_i)·(t − t_i)/(t_{i+1} − t_i);
 *   after the last point the value is held (no extrapolation of the slope).
 * - maxGap: a value is valid for at most maxGap after its time. Between two points further apart
 *   than maxGap the signal is held for maxGap and then undefined (linear does not bridge the gap);
 *   undefined stretches are left out of averages and give null when interpolated.
 * - Before the first known point the signal is undefined; callers pass the last point before the
 *   window (`carried in`) so the window's start is covered.
 */
import { bySampleOrder, type Sample } from './aggregate.js';

export type Interpolation = 'step' | 'linear';

export interface SignalOptions {
  readonly interpolation: Interpolation;
  /** Default: no limit. */
  readonly maxGapMs?: number;
}

interface Segment {
  readonly start: number;
  readonly end: number;
  /** Value at start and at end (equal for held segments). */
  readonly v0: number;
  readonly v1: number;
}

export class Signal {
  private readonly segments: Segment[] = [];

  /** `points` in any order; `horizon`: where the last value's hold ends at the latest (the window end). */
  constructor(points: readonly Sample[], horizon: number, readonly options: SignalOptions) {
    const sorted = [...points].sort(bySampleOrder);
    const collapsed: Sample[] = [];
    for (const p of sorted) {
      if (collapsed.length > 0 && (collapsed[collapsed.length - 1] as Sample).t === p.t) collapsed[collapsed.length - 1] = p;
      else collapsed.push(p);
    }
    const gap = options.maxGapMs ?? Infinity;
    for (let i = 0; i < collapsed.length; i++) {
      const p = collapsed[i] as Sample;
      const next = collapsed[i + 1];
      if (next !== undefined && next.t - p.t <= gap) {
        const v1 = options.interpolation === 'linear' ? next.v : p.v;
        this.segments.push({ start: p.t, end: next.t, v0: p.v, v1 });
      } else {
        const end = Math.min(next?.t ?? Math.max(horizon, p.t), p.t + gap);
        if (end > p.t) this.segments.push({ start: p.t, end, v0: p.v, v1: p.v });
        else if (next === undefined) this.segments.push({ start: p.t, end: p.t, v0: p.v, v1: p.v });
      }
    }
  }

  /** Index of the segment containing t, or -1. */
  private find(t: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid] as Segment;
      if (t < s.start) hi = mid - 1;
      else if (t >= s.end && !(s.start === s.end && t === s.start)) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** x(t), or null where the signal is undefined. */
  valueAt(t: number): number | null {
    const i = this.find(t);
    if (i < 0) return null;
    return at(this.segments[i] as Segment, t);
  }

  /** ∫ x dt over [a, b) where defined (value·ms), and how many ms of [a, b) were defined. */
  integrate(a: number, b: number): { integral: number; covered: number } {
    let integral = 0;
    let covered = 0;
    // First segment that ends after a.
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.segments[mid] as Segment).end <= a) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.segments.length; i++) {
      const s = this.segments[i] as Segment;
      if (s.start >= b) break;
      const x = Math.max(a, s.start);
      const y = Math.min(b, s.end);
      if (y <= x) continue;
      integral += ((at(s, x) + at(s, y)) / 2) * (y - x); // exact for linear and constant pieces
      covered += y - x;
    }
    return { integral, covered };
  }

  /** Time-weighted average over [a, b): ∫x dt / covered time; null when nothing is covered. */
  average(a: number, b: number): number | null {
    const { integral, covered } = this.integrate(a, b);
    return covered > 0 ? integral / covered : null;
  }
}

function at(s: Segment, t: number): number {
  if (s.v0 === s.v1 || s.end === s.start) return s.v0;
  return s.v0 + ((s.v1 - s.v0) * (t - s.start)) / (s.end - s.start);
}
