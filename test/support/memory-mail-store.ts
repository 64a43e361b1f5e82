// An in-memory MailStore for the e-mail connector's integration tests and bench: the contract of
// connectors/email/ports.ts (idempotent per dedupe key, locations per (account, mailbox, UIDVALIDITY,
// UID)), with counters to prove nothing was stored twice.
import type { MailboxRef, MailStore, MessageLocation, ParsedMessage, SavedMessage, SyncCursor } from '../../connectors/email/index.ts';

export interface StoredMail {
  readonly id: string;
  readonly message: ParsedMessage;
  readonly locations: Map<string, { location: MessageLocation; flags: string[] }>;
  readonly savedAt: number;
}

const locationKey = (l: MessageLocation) => `${l.account}\0${l.mailbox}\0${l.uidValidity}\0${l.uid}`;
const mailboxPrefix = (r: MailboxRef) => `${r.account}\0${r.mailbox}\0${r.uidValidity}\0`;

export class MemoryMailStore implements MailStore {
  readonly messages = new Map<string, StoredMail>(); // by dedupe key
  readonly byLocation = new Map<string, StoredMail>();
  readonly cursors = new Map<string, SyncCursor>();
  saveCalls = 0;
  /** Hook for crash tests: runs before each save; throw to simulate a crash. */
  beforeSave: ((message: ParsedMessage, location: MessageLocation) => void) | null = null;
  /** Resolves waiters when a message with a given subject is stored (IDLE latency). */
  private waiters: { predicate: (m: StoredMail) => boolean; resolve: (m: StoredMail) => void }[] = [];
  private nextId = 1;

  async hasLocation(location: MessageLocation): Promise<boolean> {
    return this.byLocation.has(locationKey(location));
  }

  async saveMessage(message: ParsedMessage, location: MessageLocation, flags: readonly string[]): Promise<SavedMessage> {
    this.beforeSave?.(message, location);
    this.saveCalls++;
    let stored = this.messages.get(message.dedupeKey);
    const created = !stored;
    if (!stored) {
      stored = { id: `m${this.nextId++}`, message, locations: new Map(), savedAt: performance.now() };
      this.messages.set(message.dedupeKey, stored);
    }
    stored.locations.set(locationKey(location), { location, flags: [...flags] });
    this.byLocation.set(locationKey(location), stored);
    if (created) this.notify(stored);
    return { id: stored.id, created };
  }

  async addLocation(dedupeKey: string, location: MessageLocation, flags: readonly string[]): Promise<boolean> {
    const stored = this.messages.get(dedupeKey);
    if (!stored) return false;
    stored.locations.set(locationKey(location), { location, flags: [...flags] });
    this.byLocation.set(locationKey(location), stored);
    return true;
  }

  async setFlags(location: MessageLocation, flags: readonly string[]): Promise<void> {
    const stored = this.byLocation.get(locationKey(location));
    const entry = stored?.locations.get(locationKey(location));
    if (entry) entry.flags = [...flags];
  }

  async locatedUids(ref: MailboxRef): Promise<readonly number[]> {
    const prefix = mailboxPrefix(ref);
    return [...this.byLocation.keys()].filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length)));
  }

  async removeLocations(ref: MailboxRef, uids?: readonly number[]): Promise<void> {
    const prefix = mailboxPrefix(ref);
    const keys = uids ? uids.map((uid) => `${prefix}${uid}`) : [...this.byLocation.keys()].filter((k) => k.startsWith(prefix));
    for (const key of keys) {
      this.byLocation.get(key)?.locations.delete(key);
      this.byLocation.delete(key);
    }
  }

  async cursor(account: string, mailbox: string): Promise<SyncCursor | null> {
    return this.cursors.get(`${account}\0${mailbox}`) ?? null;
  }

  async setCursor(account: string, mailbox: string, cursor: SyncCursor): Promise<void> {
    this.cursors.set(`${account}\0${mailbox}`, cursor);
  }

  /** Messages located in one mailbox (any UIDVALIDITY unless given). */
  inMailbox(account: string, mailbox: string): StoredMail[] {
    const prefix = `${account}\0${mailbox}\0`;
    return [...new Set([...this.byLocation.entries()].filter(([k]) => k.startsWith(prefix)).map(([, m]) => m))];
  }

  waitFor(predicate: (m: StoredMail) => boolean, timeoutMs = 10_000): Promise<StoredMail> {
    const existing = [...this.messages.values()].find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('message did not arrive in the store')), timeoutMs);
      this.waiters.push({ predicate, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  private notify(stored: StoredMail) {
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(stored)) return true;
      w.resolve(stored);
      return false;
    });
  }
}
