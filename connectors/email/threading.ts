// Threads by Message-ID / In-Reply-To / References (RFC 5322 §3.6.4, the part of JWZ threading that
// matters once the headers are trusted): two messages are in one thread when one's id appears in the
// other's references, transitively. A subject fallback (same normalised subject, close in time) exists
// for clients that drop the headers, but is off by default: "Faktura" or "Pytanie" would glue strangers.

export interface ThreadInput {
  readonly key: string;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly subject: string;
  readonly date: Date | null;
}

export interface ThreadOptions {
  readonly subjectFallback?: boolean;
  /** How far apart two messages may be to be joined by subject alone. Default 30 days. */
  readonly subjectWindowDays?: number;
}

const REPLY_PREFIX = /^\s*((re|fw|fwd|aw|wg|odp|pd|tr|sv|vs|rif|r|i)(\[\d+\])?\s*:\s*)+/i;

/** "RE: Fwd: Odp: Oferta" → "oferta": what a subject fallback compares. */
export function normaliseSubject(subject: string): string {
  let current = subject.normalize('NFC');
  for (;;) {
    const next = current.replace(REPLY_PREFIX, '');
    if (next === current) break;
    current = next;
  }
  return current.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The ids a message names as its ancestors, oldest first, In-Reply-To included, duplicates removed. */
export function ancestors(message: Pick<ThreadInput, 'inReplyTo' | 'references' | 'messageId'>): string[] {
  const ids = [...message.references];
  if (message.inReplyTo && !ids.includes(message.inReplyTo)) ids.push(message.inReplyTo);
  return ids.filter((id) => id !== message.messageId);
}

/**
 * The thread a newly arriving message joins: the thread of the first known ancestor, else of a known
 * message that already names this one as an ancestor (a reply that arrived first), else a new thread
 * named after the oldest id it knows (so messages of one conversation arriving in any order agree).
 */
export function threadFor(
  message: ThreadInput,
  known: (messageIds: readonly string[]) => string | null,
  options: ThreadOptions = {},
  bySubject?: (subject: string, date: Date | null, windowDays: number) => string | null,
): string {
  const ids = ancestors(message);
  const existing = known(message.messageId ? [...ids, message.messageId] : ids);
  if (existing) return existing;
  if (options.subjectFallback && bySubject && ids.length === 0) {
    const subject = normaliseSubject(message.subject);
    if (subject) {
      const match = bySubject(subject, message.date, options.subjectWindowDays ?? 30);
      if (match) return match;
    }
  }
  return ids[0] ?? message.messageId ?? `key:${message.key}`;
}

/** Groups a set of messages into threads (union-find over id links): thread id → message keys. */
export function buildThreads(messages: readonly ThreadInput[], options: ThreadOptions = {}): Map<string, string[]> {
  const parent = new Map<string, string>();
  const find = (node: string): string => {
    let root = node;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(node, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const node = (message: ThreadInput) => (message.messageId ? `id:${message.messageId}` : `key:${message.key}`);
  for (const message of messages) {
    const self = node(message);
    find(self);
    for (const id of ancestors(message)) union(`id:${id}`, self);
  }
  if (options.subjectFallback) {
    const windowMs = (options.subjectWindowDays ?? 30) * 86_400_000;
    const sorted = [...messages].sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
    const lastBySubject = new Map<string, ThreadInput>();
    for (const message of sorted) {
      const subject = normaliseSubject(message.subject);
      if (!subject) continue;
      const previous = lastBySubject.get(subject);
      const close = previous && Math.abs((message.date?.getTime() ?? 0) - (previous.date?.getTime() ?? 0)) <= windowMs;
      if (previous && close && ancestors(message).length === 0) union(node(previous), node(message));
      lastBySubject.set(subject, message);
    }
  }
  const threads = new Map<string, string[]>();
  for (const message of messages) {
    const root = find(node(message));
    const list = threads.get(root) ?? [];
    list.push(message.key);
    threads.set(root, list);
  }
  return new Map([...threads.entries()].map(([root, keys]) => [root.replace(/^(id|key):/, ''), keys]));
}
