/**
 * Small streaming statistics the feature tracker is built from, each bounded in memory:
 * a per-hour robust summary (median of a decimated sample), a ring of hourly values, least-squares
 * slopes and medians that skip missing (NaN) entries.
 */

/**
 * Keeps at most `capacity` of the values pushed in one period, evenly spread: when full it drops
 * every other value and from then on keeps one value in `stride`. So a 1 Hz and a 1/min sender
 * both get a median over the whole hour, at bounded cost.
 */
export class DecimatingBuffer {
  private readonly values: Float64Array;
  private count = 0;
  private seen = 0;
  private stride = 1;

  constructor(readonly capacity = 128) {
    this.values = new Float64Array(capacity);
  }

  push(v: number): void {
    if (!Number.isFinite(v)) return;
    if (this.seen++ % this.stride !== 0) return;
    if (this.count === this.capacity) {
      for (let i = 0; i < this.capacity / 2; i++) this.values[i] = this.values[2 * i]!;
      this.count = this.capacity / 2;
      this.stride *= 2;
      if ((this.seen - 1) % this.stride !== 0) return;
    }
    this.values[this.count++] = v;
  }

  get size(): number {
    return this.count;
  }

  /** Median of the kept values (NaN when empty); the mean of the middle two for an even count. */
  median(): number {
    return medianOf(this.values.subarray(0, this.count));
  }

  reset(): void {
    this.count = 0;
    this.seen = 0;
    this.stride = 1;
  }
}

/** Median of the finite entries (NaN when there are none). Does not modify its input. */
export function medianOf(values: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  if (finite.length === 0) return Number.NaN;
  finite.sort((a, b) => a - b);
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** Fixed-size ring of the most recent values; `back(0)` is the newest. */
export class Ring {
  private readonly values: Float64Array;
  private head = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity).fill(Number.NaN);
  }

  push(v: number): void {
    this.values[this.head] = v;
    this.head = (this.head + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  get length(): number {
    return this.filled;
  }

  /** k = 0 is the newest value; NaN beyond what was pushed. */
  back(k: number): number {
    if (k < 0 || k >= this.filled) return Number.NaN;
    return this.values[(this.head - 1 - k + this.capacity) % this.capacity]!;
  }

  /** The newest `n` values, oldest first (NaN-padded at the start when fewer were pushed). */
  last(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.back(n - 1 - i);
    return out;
  }
}

/** Mean of the finite entries, NaN when there are fewer than `minCount`. */
export function meanOf(values: ArrayLike<number>, minCount = 1): number {
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n >= minCount && n > 0 ? s / n : Number.NaN;
}

/**
 * Ordinary least-squares slope of y on its index (0, 1, 2, …), skipping non-finite y, in units of
 * y per index step. NaN when fewer than `minCount` points are finite or they share one index.
 */
export function slopeOf(y: ArrayLike<number>, minCount = 3): number {
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    sx += i;
    sy += v;
    sxx += i * i;
    sxy += i * v;
  }
  if (n < minCount) return Number.NaN;
  const den = n * sxx - sx * sx;
  return den === 0 ? Number.NaN : (n * sxy - sx * sy) / den;
}

/** Means of consecutive blocks of `size` entries, newest block last, ending at the newest entry. */
export function blockMeans(values: Float64Array, size: number, minCount = 1): Float64Array {
  const blocks = Math.floor(values.length / size);
  const out = new Float64Array(blocks);
  const offset = values.length - blocks * size;
  for (let b = 0; b < blocks; b++) out[b] = meanOf(values.subarray(offset + b * size, offset + (b + 1) * size), minCount);
  return out;
}
