// The PostgreSQL wire protocol in front of PGlite, run inside the database thread (embedded-thread.ts).
// Every connection authenticates with SCRAM-SHA-256 against the per-start secret before a byte of
// it reaches the database. Notifications reach the connections that LISTEN (notification-routing.ts). PGlite is one backend session: connections take turns, one batch of
// complete messages at a time, and a connection keeps the backend while it has a transaction open or
// an extended-query group (Parse, Bind… up to Sync) unfinished, so no statement of another
// connection lands inside it.
import type { PGlite } from '@electric-sql/pglite';
import { createServer, type Server, type Socket } from 'node:net';
import { BASE_BACKUP_QUERY, baseBackupRefusal, baseBackupReply } from './base-backup.ts';
import { BackendTurns, turnTaker, type TurnTaker } from './backend-turns.ts';
import { listenChanges, takeNotifications } from './notification-routing.ts';
import { SCRAM_MECHANISM, scramServerFinal, scramServerFirst, type ScramChallenge, type ScramVerifier } from './scram.ts';
import { firstStatementText, message } from './wire-messages.ts';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Startup packets and password messages are small; PostgreSQL refuses startup packets over 10,000 bytes too. */
const MAX_HANDSHAKE_MESSAGE = 10_000;
/** PostgreSQL's authentication_timeout. */
const AUTHENTICATION_TIMEOUT_MS = 60_000;

const SYNC = 0x53;
const TERMINATE = 0x58;
const PASSWORD = 0x70;
// Extended-query messages (Parse, Bind, Describe, Execute, Close, Flush); Sync ends the group.
const EXTENDED_QUERY = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

type Phase = 'startup' | 'sasl-initial' | 'sasl-final' | 'ready' | 'closed';

interface Connection extends TurnTaker {
  readonly socket: Socket;
  /** Received bytes not yet taken as messages. */
  buffer: Buffer;
  /** Chunks received while a message is incomplete, joined once `need` bytes are there (one copy for a large message). */
  more: Buffer[];
  moreBytes: number;
  need: number;
  phase: Phase;
  user: string;
  challenge: ScramChallenge | null;
  /** The client's startup packet: handed to PGlite once the client proved it knows the secret. */
  startup: Buffer | null;
  /** Complete messages waiting for the backend. */
  pending: Buffer[];
  groupOpen: boolean;
  /** The client sent Terminate: the connection ends once what it sent before has run. */
  terminated: boolean;
  /** Channels it LISTENs to: notifications on them are handed to it whoever's statement raised them. */
  readonly channels: Set<string>;
  /** A lone BEGIN already answered; it runs in front of the connection's next batch (see #deferBegin). */
  deferredBegin: Buffer | null;
  readonly serial: number;
}

/** Set → every batch is written to stderr: connection, wait in the queue, backend time, statement (diagnosis only). */
const TRACE = Boolean(process.env['TESSERA_WIRE_TRACE']);
let serials = 0;

export interface WireServerOptions {
  readonly db: PGlite;
  readonly verifier: ScramVerifier;
  readonly maxConnections: number;
  /** Called with true before the backend runs a batch and false after (the thread's busy indicator). */
  readonly onBusy: (busy: boolean) => void;
  /** A consistent copy of the data directory (base-backup.ts); absent → BASE_BACKUP is not offered. */
  readonly baseBackup?: () => Promise<Uint8Array>;
}

function authentication(code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.alloc(4 + data.length);
  body.writeInt32BE(code, 0);
  data.copy(body, 4);
  return message('R', body);
}

function fatal(sqlState: string, text: string): Buffer {
  return message('E', Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${text}\0\0`));
}

function simpleQuery(sql: string): Buffer {
  return message('Q', Buffer.from(`${sql}\0`));
}

const PLAIN_BEGIN = /^\s*(BEGIN|START TRANSACTION)\s*;?\s*$/i;
/** What PostgreSQL answers to BEGIN outside a transaction: CommandComplete, ReadyForQuery "in a transaction". */
const BEGIN_ANSWER = Buffer.concat([message('C', Buffer.from('BEGIN\0')), message('Z', Buffer.from('T'))]);

/** The SQL of a simple Query message; '' for any other message. */
function simpleQueryText(whole: Buffer): string {
  return whole[0] === 0x51 ? whole.subarray(5, whole.length - 1).toString('utf8') : '';
}

/** Whether a batch is exactly one message. */
function isOnly(batch: Buffer): boolean {
  return batch.length >= 5 && batch.length === 1 + batch.readInt32BE(1);
}

/** A reply without everything up to and including its first ReadyForQuery. */
function afterFirstReady(reply: Buffer): Buffer {
  for (let at = 0; at + 5 <= reply.length; ) {
    const end = at + 1 + reply.readInt32BE(at + 1);
    if (reply[at] === 0x5a) return reply.subarray(end);
    at = end;
  }
  return reply;
}

/** A copy of a reply whose last message, ReadyForQuery, says "idle" (a new session is in no transaction). */
function idleReady(reply: Buffer): Buffer {
  const copy = Buffer.from(reply);
  if (copy.length >= 6 && copy[copy.length - 6] === 0x5a) copy[copy.length - 1] = 0x49;
  return copy;
}

/** `key\0value\0…\0` of a startup packet. */
function startupParameters(packet: Buffer): Map<string, string> {
  const parts = packet.subarray(8).toString('utf8').split('\0');
  const result = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) result.set(parts[i]!, parts[i + 1]!);
  return result;
}

/** Whether an extended-query group is still open after a batch: opened by its messages, closed by Sync. */
function groupOpenAfter(batch: Buffer, open: boolean): boolean {
  for (let at = 0; at + 5 <= batch.length; at += 1 + batch.readInt32BE(at + 1)) {
    const type = batch[at]!;
    if (type === SYNC) open = false;
    else if (EXTENDED_QUERY.has(type)) open = true;
  }
  return open;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function readArrived(): Promise<void> {
  await turn();
  await turn();
}

export class WireServer {
  readonly #db: PGlite;
  readonly #verifier: ScramVerifier;
  readonly #maxConnections: number;
  readonly #onBusy: (busy: boolean) => void;
  readonly #baseBackup: (() => Promise<Uint8Array>) | undefined;
  readonly #connections = new Set<Connection>();
  readonly #turns = new BackendTurns<Connection>();
  /** Channel → the connections listening to it. */
  readonly #listeners = new Map<string, Set<Connection>>();
  #server: Server | null = null;
  /** The connection holding the backend (open transaction or extended-query group), if any. */
  #owner: Connection | null = null;
  /** The connection whose batch the backend runs right now. */
  #running: Connection | null = null;
  /** PGlite's answer to the first startup packet (see #password). */
  #startupAnswer: Buffer | null = null;
  #pumping: Promise<void> | null = null;
  constructor(options: WireServerOptions) {
    this.#db = options.db;
    this.#verifier = options.verifier;
    this.#maxConnections = options.maxConnections;
    this.#onBusy = options.onBusy;
    this.#baseBackup = options.baseBackup;
  }

  /** Listens on a loopback port chosen by the system; returns it. */
  async listen(): Promise<number> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the database socket has no port');
    return address.port;
  }

  /** Stops accepting, drops every connection and waits for the batch in progress. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const connection of this.#connections) this.#drop(connection);
    await this.#pumping;
    await closed;
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    if (this.#connections.size >= this.#maxConnections || !this.#server) {
      socket.end(fatal('53300', 'sorry, too many clients already'));
      return;
    }
    const connection: Connection = { socket, buffer: Buffer.alloc(0), more: [], moreBytes: 0, need: 0, phase: 'startup', user: '', challenge: null, startup: null, pending: [], groupOpen: false, terminated: false, channels: new Set(), deferredBegin: null, ...turnTaker(), serial: ++serials };
    this.#connections.add(connection);
    socket.setTimeout(AUTHENTICATION_TIMEOUT_MS, () => {
      if (connection.phase !== 'ready') this.#refuse(connection, '08006', 'authentication timed out');
    });
    socket.on('data', (chunk: Buffer) => {
      if (connection.buffer.length + connection.moreBytes + chunk.length < connection.need) {
        connection.more.push(chunk);
        connection.moreBytes += chunk.length;
        return;
      }
      connection.buffer = connection.buffer.length || connection.more.length ? Buffer.concat([connection.buffer, ...connection.more, chunk]) : chunk;
      connection.more = [];
      connection.moreBytes = 0;
      this.#read(connection);
    });
    socket.on('error', () => this.#drop(connection));
    socket.on('close', () => this.#drop(connection));
  }

  #read(connection: Connection): void {
    connection.need = 0;
    while (connection.phase !== 'closed' && !connection.terminated) {
      const { buffer } = connection;
      if (connection.phase === 'startup') {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        if (length < 8 || length > MAX_HANDSHAKE_MESSAGE) return this.#refuse(connection, '08P01', 'invalid startup packet length');
        if (buffer.length < length) {
          connection.need = length;
          break;
        }
        connection.buffer = buffer.subarray(length);
        this.#startup(connection, buffer.subarray(0, length));
        continue;
      }
      if (buffer.length < 5) break;
      const length = buffer.readInt32BE(1);
      if (length < 4 || (connection.phase !== 'ready' && length > MAX_HANDSHAKE_MESSAGE)) return this.#refuse(connection, '08P01', 'invalid message length');
      if (buffer.length < length + 1) {
        connection.need = length + 1;
        break;
      }
      const whole = buffer.subarray(0, length + 1);
      connection.buffer = buffer.subarray(length + 1);
      if (connection.phase !== 'ready') this.#password(connection, whole);
      else if (whole[0] === TERMINATE) {
        // PGlite would end its one backend on Terminate: the client's connection ends here instead.
        connection.terminated = true;
        if (connection.pending.length === 0) this.#drop(connection);
      } else {
        if (connection.pending.length === 0) this.#turns.arrived(connection);
        connection.pending.push(whole);
        this.#noteListens(connection, whole);
      }
    }
    if (connection.phase === 'ready' && connection.pending.length > 0 && !this.#deferBegin(connection)) this.#schedule(connection);
  }

  /**
   * A transaction holds the one backend from its BEGIN to its COMMIT, while the client's event loop
   * takes its time between statements; everyone else waits. A lone BEGIN (knex sends one and waits
   * for the answer) is therefore answered at once and run in front of the transaction's first
   * statement, so the backend is held one round trip less.
   */
  #deferBegin(connection: Connection): boolean {
    const [only] = connection.pending;
    if (connection.pending.length !== 1 || !only || connection.deferredBegin || connection === this.#owner || connection === this.#running || !PLAIN_BEGIN.test(simpleQueryText(only))) return false;
    connection.deferredBegin = connection.pending.pop()!;
    connection.socket.write(BEGIN_ANSWER);
    this.#turns.answered(connection, false);
    return true;
  }

  #startup(connection: Connection, packet: Buffer): void {
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      // Loopback only: no TLS, and the client then continues in plain text.
      connection.socket.write('N');
      return;
    }
    // PGlite has no second backend to cancel a statement with.
    if (code === CANCEL_REQUEST) return this.#drop(connection);
    if (code >> 16 !== 3) return this.#refuse(connection, '0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`);
    connection.user = startupParameters(packet).get('user') ?? '';
    connection.startup = Buffer.from(packet);
    connection.phase = 'sasl-initial';
    connection.socket.write(authentication(10, Buffer.from(`${SCRAM_MECHANISM}\0\0`)));
  }

  #password(connection: Connection, whole: Buffer): void {
    if (whole[0] !== PASSWORD) return this.#refuse(connection, '08P01', 'expected a SASL response');
    const body = whole.subarray(5);
    if (connection.phase === 'sasl-initial') {
      const end = body.indexOf(0);
      const mechanism = end < 0 ? '' : body.subarray(0, end).toString('utf8');
      if (mechanism !== SCRAM_MECHANISM || body.length < end + 5) return this.#refuse(connection, '28000', `only ${SCRAM_MECHANISM} authentication is supported`);
      const challenge = scramServerFirst(body.subarray(end + 5).toString('utf8'), this.#verifier);
      if ('reason' in challenge) return this.#refuse(connection, '08P01', challenge.reason);
      connection.challenge = challenge;
      connection.phase = 'sasl-final';
      connection.socket.write(authentication(11, Buffer.from(challenge.serverFirst)));
      return;
    }
    const result = scramServerFinal(body.toString('utf8'), connection.challenge!, this.#verifier);
    if (!result.ok) return this.#refuse(connection, '28P01', `password authentication failed for user "${connection.user}"`);
    connection.phase = 'ready';
    connection.socket.setTimeout(0);
    connection.socket.write(authentication(12, Buffer.from(result.serverFinal)));
    // PGlite answers a startup packet with AuthenticationOk, its parameters and ReadyForQuery, the
    // same each time (it applies no session settings from the packet: there is one session). So it
    // answers the first; later connections get that answer at once instead of waiting for the
    // backend, as connecting to a PostgreSQL server does not wait for other sessions' statements.
    if (this.#startupAnswer) connection.socket.write(this.#startupAnswer);
    else connection.pending.unshift(connection.startup!);
    connection.startup = null;
  }

  #noteListens(connection: Connection, whole: Buffer): void {
    for (const { channel, listen } of listenChanges(whole)) {
      for (const name of channel === '*' ? [...connection.channels] : [channel]) {
        if (listen) {
          connection.channels.add(name);
          const listeners = this.#listeners.get(name) ?? new Set();
          listeners.add(connection);
          this.#listeners.set(name, listeners);
        } else this.#unlisten(connection, name);
      }
    }
  }

  #unlisten(connection: Connection, channel: string): void {
    connection.channels.delete(channel);
    const listeners = this.#listeners.get(channel);
    listeners?.delete(connection);
    if (listeners?.size === 0) this.#listeners.delete(channel);
  }

  /** Sends a reply to the connection that asked; notifications in it go to the connections listening. */
  #reply(connection: Connection, reply: Buffer): void {
    const { rest, notifications } = this.#listeners.size > 0 ? takeNotifications(reply, (channel) => connection.channels.has(channel)) : { rest: reply, notifications: [] };
    if (connection.phase !== 'closed' && rest.length > 0) connection.socket.write(rest);
    for (const { channel, message } of notifications) {
      for (const listener of this.#listeners.get(channel) ?? []) if (listener !== connection && listener.phase === 'ready') listener.socket.write(message);
    }
  }

  #refuse(connection: Connection, sqlState: string, text: string): void {
    if (connection.phase === 'closed') return;
    connection.socket.end(fatal(sqlState, text));
    this.#drop(connection);
  }

  #drop(connection: Connection): void {
    if (connection.phase === 'closed') return;
    connection.phase = 'closed';
    connection.pending = [];
    this.#connections.delete(connection);
    for (const channel of [...connection.channels]) this.#unlisten(connection, channel);
    connection.socket.destroySoon();
    // A connection that held the backend is cleaned up (rolled back) by the pump.
    if (this.#owner === connection) void this.#pump();
  }

  #schedule(connection: Connection): void {
    if (connection !== this.#owner) this.#turns.join(connection, firstStatementText(connection.pending));
    void this.#pump();
  }

  #pump(): Promise<void> {
    this.#pumping ??= this.#run().finally(() => {
      this.#pumping = null;
    });
    return this.#pumping;
  }

  async #run(): Promise<void> {
    for (;;) {
      const owner = this.#owner;
      if (owner?.phase === 'closed') {
        await this.#release(owner);
        continue;
      }
      // PGlite runs a batch synchronously: messages that arrived meanwhile wait unread in the sockets.
      // Reading them before choosing (two turns of the event loop: the second polls the sockets) lets
      // the choice see every connection that is waiting, not only the first one read.
      if (!owner) await readArrived();
      while (!owner && this.#turns.anticipating(this.#connections, this.#running)) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        await readArrived();
      }
      const next = owner ? (owner.pending.length > 0 ? owner : null) : this.#turns.next();
      if (!next) return;
      await this.#execute(next);
    }
  }

  async #execute(connection: Connection): Promise<void> {
    // The startup packet goes alone (PGlite recognises it by its leading zero byte); the rest as one batch.
    const startup = connection.pending[0]![0] === 0;
    const begin = startup ? null : connection.deferredBegin;
    connection.deferredBegin = null;
    const statement = startup ? '' : firstStatementText(connection.pending);
    const batch = startup ? connection.pending.shift()! : Buffer.concat(begin ? [begin, ...connection.pending.splice(0)] : connection.pending.splice(0));
    if (!startup) connection.groupOpen = groupOpenAfter(batch, connection.groupOpen);
    this.#running = connection;
    if (!startup && !begin && this.#baseBackup && isOnly(batch) && BASE_BACKUP_QUERY.test(simpleQueryText(batch))) {
      await this.#answerBaseBackup(connection, this.#baseBackup);
      this.#running = null;
      if (connection.terminated && connection.pending.length === 0) this.#drop(connection);
      else if (connection.pending.length > 0) this.#schedule(connection);
      return;
    }
    try {
      // One write per batch (PGlite may hand its reply over in several pieces).
      const chunks: Buffer[] = [];
      const started = performance.now();
      await this.#exec(batch, (data) => chunks.push(Buffer.from(data)));
      const ran = performance.now() - started;
      this.#turns.ran(connection, ran, statement);
      if (TRACE && !startup) process.stderr.write(`wire ${connection.serial} at ${started.toFixed(0)} think ${(connection.arrivedAt - connection.answeredAt).toFixed(0)} wait ${(started - connection.arrivedAt).toFixed(0)} ahead ${this.#turns.ahead(connection).toFixed(0)} run ${ran.toFixed(0)} owner ${connection.groupOpen || this.#db.isInTransaction() ? 1 : 0} q ${this.#turns.waiting} ${JSON.stringify(batch.subarray(5, 90).toString('latin1').replace(/[^ -~]/g, '.'))}\n`);
      const reply = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      // The deferred BEGIN was answered already.
      this.#reply(connection, begin ? afterFirstReady(reply) : reply);
      if (startup) this.#startupAnswer ??= idleReady(reply);
    } catch (error) {
      // PGlite itself failed (SQL errors are protocol responses, not exceptions): this connection ends.
      this.#refuse(connection, 'XX000', `the embedded database failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.#running = null;
    }
    this.#owner = connection.groupOpen || this.#db.isInTransaction() ? connection : null;
    this.#turns.answered(connection, !this.#owner && !startup);
    if (connection.terminated && connection.pending.length === 0) this.#drop(connection);
    else if (!this.#owner && connection.pending.length > 0) this.#schedule(connection);
  }

  /** Runs between batches, so no other connection's transaction is open; the connection's own must not be either. */
  async #answerBaseBackup(connection: Connection, take: () => Promise<Uint8Array>): Promise<void> {
    if (connection.groupOpen || this.#db.isInTransaction()) {
      this.#reply(connection, baseBackupRefusal('25001', 'BASE_BACKUP cannot run inside a transaction block', 'T'));
      return;
    }
    this.#onBusy(true);
    try {
      this.#reply(connection, baseBackupReply(await take()));
    } catch (error) {
      this.#reply(connection, baseBackupRefusal('58030', `the backup could not be taken: ${error instanceof Error ? error.message : String(error)}`, 'I'));
    } finally {
      this.#onBusy(false);
    }
  }

  /** Ends what a dropped connection left open on the backend, so the next connection starts clean. */
  async #release(connection: Connection): Promise<void> {
    this.#owner = null;
    try {
      if (connection.groupOpen) await this.#exec(message('S', Buffer.alloc(0)), () => undefined);
      if (this.#db.isInTransaction()) await this.#exec(simpleQuery('ROLLBACK'), () => undefined);
    } catch {
      // Nothing to roll back into: the next batch meets PGlite in whatever state it is.
    }
    connection.groupOpen = false;
  }

  async #exec(batch: Buffer, onData: (data: Uint8Array) => void): Promise<void> {
    this.#onBusy(true);
    try {
      await this.#db.execProtocolRawStream(new Uint8Array(batch.buffer, batch.byteOffset, batch.byteLength), { onRawData: onData });
    } finally {
      this.#onBusy(false);
    }
  }
}
