/** Ranking machines for maintenance: most likely to fail first. */
export interface RiskRow {
  readonly twinId: string;
  /** 0..1, 1 = as new. */
  readonly health?: number | undefined;
  /** 0..1 within the model's horizon. */
  readonly failureProbability?: number | undefined;
  /** Remaining useful life in hours. */
  readonly rulHours?: number | undefined;
}

/**
 * Order: failure probability (high first), then health (low first), then RUL (short first), then
 * id. A missing figure ranks after any known one: unknown is not "safe", but it is not evidence.
 */
export function rankByRisk<T extends RiskRow>(rows: readonly T[]): T[] {
  const key = (v: number | undefined, dir: 1 | -1) => (v === undefined || !Number.isFinite(v) ? Infinity : dir * v);
  return [...rows].sort(
    (a, b) =>
      key(a.failureProbability, -1) - key(b.failureProbability, -1) ||
      key(a.health, 1) - key(b.health, 1) ||
      key(a.rulHours, 1) - key(b.rulHours, 1) ||
      a.twinId.localeCompare(b.twinId),
  );
}

/** The day (YYYY-MM-DD, in the given zone) a predicted failure falls on, from now + RUL hours. */
export function predictedFailureDay(nowMs: number, rulHours: number, timeZone: string): string {
  const d = new Date(nowMs + rulHours * 3_600_000);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
