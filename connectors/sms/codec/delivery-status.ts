// What a status report's TP-ST says (23.040 §9.2.3.15), and matching reports to sent parts by
// TP-MR, which is one octet and wraps after 255.

export type DeliveryOutcome = 'delivered' | 'pending' | 'failed' | 'expired';

export interface DeliveryVerdict {
  outcome: DeliveryOutcome;
  /** True while the SMSC keeps trying (0x20–0x3F): more reports follow. */
  final: boolean;
  status: number;
}

export function deliveryOutcome(status: number): DeliveryVerdict {
  const st = status & 0xff;
  // 0x00–0x1F: the transaction is complete; 0x00 delivered, 0x01 forwarded (fate unknown),
  // 0x02 replaced: each means the SMSC handed it on.
  if (st <= 0x1f) return { outcome: 'delivered', final: true, status: st };
  if (st <= 0x3f) return { outcome: 'pending', final: false, status: st };
  // 0x46 (and the retried 0x66) is "validity period expired".
  if (st === 0x46 || st === 0x66) return { outcome: 'expired', final: true, status: st };
  return { outcome: 'failed', final: true, status: st };
}

/** The next TP-MR after `mr`, as modems count: 0–255 and round again. */
export function nextMessageReference(mr: number): number {
  return (mr + 1) & 0xff;
}

interface Pending<T> {
  value: T;
  sentAt: number;
}

/** Sent parts awaiting their report, keyed by TP-MR. A reference reused after the wrap replaces
 * the old entry (a report older than 256 sends is not worth holding memory for); entries older
 * than `maxAgeMs` are dropped on each `add`. */
export class MessageReferenceBook<T> {
  private readonly pending = new Map<number, Pending<T>>();
  private readonly maxAgeMs: number;
  constructor(maxAgeMs = 7 * 24 * 3600_000) {
    this.maxAgeMs = maxAgeMs;
  }
  add(mr: number, value: T, now = Date.now()): void {
    for (const [key, p] of this.pending) if (now - p.sentAt > this.maxAgeMs) this.pending.delete(key);
    this.pending.set(mr & 0xff, { value, sentAt: now });
  }
  /** The part a report is about; kept while the SMSC still retries (temporary TP-ST). */
  match(mr: number, status: number): { value: T; verdict: DeliveryVerdict } | null {
    const key = mr & 0xff;
    const p = this.pending.get(key);
    if (!p) return null;
    const verdict = deliveryOutcome(status);
    if (verdict.final) this.pending.delete(key);
    return { value: p.value, verdict };
  }
  get size(): number {
    return this.pending.size;
  }
}
