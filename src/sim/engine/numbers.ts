/** Rounds to `digits` decimals (telemetry values carry the precision a real sensor would). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
