// Joins the parts of a concatenated incoming SMS (they may arrive in any order, interleaved with
// other senders' messages). Pure state: the driver feeds decoded DELIVERs and gets whole texts.
import type { DecodedDeliver } from '../codec/index.ts';

export interface AssembledSms {
  originator: string;
  text: string;
  receivedAt: string;
  parts: number;
  reference: number | null;
}

interface Partial {
  parts: Map<number, DecodedDeliver>;
  total: number;
  firstSeen: number;
}

export class IncomingAssembly {
  private readonly partial = new Map<string, Partial>();
  private readonly maxWaitMs: number;
  constructor(maxWaitMs = 24 * 3600_000) {
    this.maxWaitMs = maxWaitMs;
  }

  /** A whole message when this part completes one, else null. */
  add(part: DecodedDeliver, now = Date.now()): AssembledSms | null {
    const c = part.concatenation;
    if (!c || c.total <= 1) return { originator: part.originator, text: part.text, receivedAt: part.timestamp.utc, parts: 1, reference: c?.reference ?? null };
    const key = `${part.originator}\u0000${c.reference}\u0000${c.total}`;
    const entry = this.partial.get(key) ?? { parts: new Map(), total: c.total, firstSeen: now };
    entry.parts.set(c.sequence, part);
    this.partial.set(key, entry);
    if (entry.parts.size < entry.total) return null;
    this.partial.delete(key);
    const ordered = [...entry.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    return { originator: part.originator, text: ordered.map((p) => p.text).join(''), receivedAt: ordered[0]!.timestamp.utc, parts: entry.total, reference: c.reference };
  }

  /** Parts whose siblings never came: delivered as they are after `maxWaitMs`, so nothing is lost. */
  expire(now = Date.now()): AssembledSms[] {
    const out: AssembledSms[] = [];
    for (const [key, entry] of this.partial) {
      if (now - entry.firstSeen < this.maxWaitMs) continue;
      this.partial.delete(key);
      const ordered = [...entry.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
      out.push({ originator: ordered[0]!.originator, text: ordered.map((p) => p.text).join(' … '), receivedAt: ordered[0]!.timestamp.utc, parts: entry.parts.size, reference: ordered[0]!.concatenation?.reference ?? null });
    }
    return out;
  }
}
