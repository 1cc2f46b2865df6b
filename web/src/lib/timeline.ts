/**
 * State points → segments over a window for the line view's timeline. A state holds from its point
 * until the next one (step / last observation carried forward); the state before the window is
 * carried in when the first point is earlier than the window start.
 */
export interface Segment {
  readonly from: number;
  readonly to: number;
  readonly state: string;
}

export function toSegments(points: ReadonlyArray<{ t: number; state: string }>, from: number, to: number): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const end = Math.min(points[i + 1]?.t ?? to, to);
    const start = Math.max(p.t, from);
    if (end <= start) continue;
    const prev = out.at(-1);
    if (prev && prev.state === p.state && prev.to === start) out[out.length - 1] = { from: prev.from, to: end, state: p.state };
    else out.push({ from: start, to: end, state: p.state });
  }
  return out;
}

/** Seconds per state within the segments. */
export function durations(segments: readonly Segment[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of segments) out.set(s.state, (out.get(s.state) ?? 0) + (s.to - s.from) / 1000);
  return out;
}
