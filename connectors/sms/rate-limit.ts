// A token bucket per account: how long a send must wait so the account's provider gets at most
// `ratePerSecond` messages a second (bursts up to one second's worth), in memory. The channel uses
// the database's bucket instead (rate-buckets.ts), shared by every process; this one is the same
// arithmetic for callers that hold no database.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; rate: number }>();
  private readonly now: () => number;
  constructor(now: () => number = () => Date.now()) {
    this.now = now;
  }

  /** Takes a token for `key`; returns the milliseconds to wait before using it (0: at once). */
  take(key: string, ratePerSecond: number): number {
    const now = this.now();
    const burst = Math.max(1, ratePerSecond);
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now, rate: ratePerSecond };
    if (bucket.rate !== ratePerSecond) Object.assign(bucket, { rate: ratePerSecond, tokens: Math.min(bucket.tokens, burst) });
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / ratePerSecond) * 1000);
  }
}
