/**
 * Per-device rate limits as token buckets (`ratePerSecond` refill, `burst` capacity). A device over
 * its limit is throttled first, as IoT Hub does: its message waits until a token is due, which
 * delays the PUBACK and so slows the device down. Only when the wait would exceed `maxDelayMs` is the
 * message refused (hub.rate_limited). Other devices are never affected: each has its own bucket.
 */
export interface RateLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { ratePerSecond: 200, burst: 400, maxDelayMs: 2000 };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  /** 0 = go now; > 0 = wait that many ms first; -1 = refuse. Reserves the token either way except on refusal. */
  take(key: string, nowMs: number): number {
    const { ratePerSecond, burst, maxDelayMs } = this.limit;
    if (!Number.isFinite(ratePerSecond)) return 0;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: nowMs };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.at) * ratePerSecond) / 1000);
    b.at = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    const waitMs = ((1 - b.tokens) * 1000) / ratePerSecond;
    if (waitMs > maxDelayMs) return -1;
    b.tokens -= 1; // may go negative: later messages queue behind this one
    return Math.ceil(waitMs);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
