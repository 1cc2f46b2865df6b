/**
 * Sets of time as sorted, disjoint, half-open intervals [start, end) in ms. Small and exact: OEE
 * times are sums of interval lengths, so no sampling error creeps in.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Sorts and merges overlapping or touching spans; drops empty ones. */
export function normalise(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) {
      if (s.end > last.end) out[out.length - 1] = { start: last.start, end: s.end };
    } else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** a ∩ b for normalised inputs. */
export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Span;
    const y = b[j] as Span;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** a − b for normalised inputs. */
export function subtract(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const x of a) {
    let start = x.start;
    while (j < b.length && (b[j] as Span).end <= start) j++;
    let k = j;
    while (k < b.length && (b[k] as Span).start < x.end) {
      const y = b[k] as Span;
      if (y.start > start) out.push({ start, end: y.start });
      start = Math.max(start, y.end);
      k++;
    }
    if (start < x.end) out.push({ start, end: x.end });
  }
  return out;
}

export function totalLength(spans: readonly Span[]): number {
  let n = 0;
  for (const s of spans) n += s.end - s.start;
  return n;
}

/** Length of `span` that lies inside the normalised set. */
export function overlapLength(span: Span, set: readonly Span[]): number {
  let n = 0;
  for (const s of set) {
    if (s.start >= span.end) break;
    const x = Math.max(s.start, span.start);
    const y = Math.min(s.end, span.end);
    if (y > x) n += y - x;
  }
  return n;
}

export function contains(set: readonly Span[], t: number): boolean {
  let lo = 0;
  let hi = set.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = set[mid] as Span;
    if (t < s.start) hi = mid - 1;
    else if (t >= s.end) lo = mid + 1;
    else return true;
  }
  return false;
}
