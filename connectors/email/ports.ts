// What the e-mail connector needs from the rest of Tessera, as an interface it owns: the lead adapts the
// engine's connector API (records, files, secrets) to it. Nothing here imports the engine.
import type { ParsedMessage } from './message.ts';

/** One IMAP folder of one account, as the server identifies it for the lifetime of its UIDs. */
export interface MailboxRef {
  readonly account: string;
  readonly mailbox: string;
  readonly uidValidity: bigint;
}

/** Where a message sits on a server: a UID is only meaningful with its mailbox's UIDVALIDITY. */
export interface MessageLocation extends MailboxRef {
  readonly uid: number;
}

/** How far a mailbox has been synced. Stored after the messages it covers, never before. */
export interface SyncCursor {
  readonly uidValidity: bigint;
  /** Highest UID stored; everything at or below it inside the sync window is stored. */
  readonly lastUid: number;
  /** HIGHESTMODSEQ after the last flag sync (CONDSTORE), null when the server has none. */
  readonly highestModseq: bigint | null;
}

/** One message of a fetch batch with where it was found. */
export interface BatchItem {
  readonly message: ParsedMessage;
  readonly location: MessageLocation;
  readonly flags: readonly string[];
}

export interface SavedMessage {
  /** The store's id of the message (one per dedupe key). */
  readonly id: string;
  /** False when the message already existed (another folder, account, or an earlier UIDVALIDITY). */
  readonly created: boolean;
}

/**
 * The engine side of the sync. Contract the sync relies on for "nothing lost, nothing doubled":
 * - `saveMessage` is idempotent per `dedupeKey` and adds the location in the same transaction;
 * - `setCursor` is called only after every message up to `lastUid` was saved;
 * - the store never deletes a message because a location went away (Tessera keeps mail).
 */
export interface MailStore {
  hasLocation(location: MessageLocation): Promise<boolean>;
  /** Stores the message unless its dedupe key exists, and records the location either way. */
  saveMessage(message: ParsedMessage, location: MessageLocation, flags: readonly string[]): Promise<SavedMessage>;
  /**
   * `saveMessage` for a fetch batch, in one transaction (same contract per message; answers in the
   * batch's order). Optional: without it the sync saves message by message.
   */
  saveMessages?(items: readonly BatchItem[]): Promise<SavedMessage[]>;
  /** Records one more location of a stored message (by dedupe key); false when no such message. */
  addLocation(dedupeKey: string, location: MessageLocation, flags: readonly string[]): Promise<boolean>;
  /** Seen/flagged is the mailbox's state: mirrored here, never pushed back. */
  setFlags(location: MessageLocation, flags: readonly string[]): Promise<void>;
  /** The UIDs stored for a mailbox (for expunge reconciliation). */
  locatedUids(ref: MailboxRef): Promise<readonly number[]>;
  /** Forgets locations: of a UIDVALIDITY that ended (`uids` omitted), or of expunged messages. */
  removeLocations(ref: MailboxRef, uids?: readonly number[]): Promise<void>;
  cursor(account: string, mailbox: string): Promise<SyncCursor | null>;
  setCursor(account: string, mailbox: string, cursor: SyncCursor): Promise<void>;
}

/** IMAP connection settings of one account (the password comes from the secrets store). */
export interface ImapAccount {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (993); false means STARTTLS when offered (see `requireTls`). */
  readonly secure: boolean;
  /** Refuse to authenticate over a connection that did not become TLS. */
  readonly requireTls?: boolean;
  readonly user: string;
  readonly password: string;
  /** Folders to sync, e.g. ['INBOX', 'Sent']. */
  readonly mailboxes: readonly string[];
  /** Folder watched with IDLE; the others are polled. Default: the first of `mailboxes`. */
  readonly watch?: string;
  /** First sync takes mail of the last N days only. Default 90. */
  readonly windowDays?: number;
}

/** SMTP connection settings of one account. */
export interface SmtpAccount {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly requireTls?: boolean;
  readonly user?: string;
  readonly password?: string;
}
