// LISTEN/NOTIFY across the connections of the embedded database. PGlite is one backend session, so a
// notification comes out in the reply of whichever connection committed the NOTIFY. The wire server
// notes which connection listens to which channel (from the LISTEN/UNLISTEN statements it passes on)
// and takes NotificationResponse messages out of a reply to hand them to those connections, as a
// PostgreSQL server would. Pure functions over protocol bytes.

const QUERY = 0x51;
const PARSE = 0x50;
const NOTIFICATION = 0x41;

export interface ListenChange {
  /** '*' for UNLISTEN *. */
  readonly channel: string;
  readonly listen: boolean;
}

// LISTEN name / UNLISTEN name / UNLISTEN *, at the start of a statement; quoted names keep their case.
const STATEMENT = /(?:^|;)\s*(UN)?LISTEN\s+(\*|"(?:[^"]|"")+"|[\p{L}_][\p{L}\p{N}_$]*)/giu;

/** The LISTEN/UNLISTEN statements of a Query or Parse message (none for any other message). */
export function listenChanges(message: Buffer): ListenChange[] {
  const type = message[0];
  if (type !== QUERY && type !== PARSE) return [];
  // Cheap test first: almost no statement mentions it.
  if (!message.includes('ISTEN') && !message.includes('isten')) return [];
  let sql = message.subarray(5).toString('utf8');
  // Parse: statement name, then the query text.
  if (type === PARSE) sql = sql.slice(sql.indexOf('\0') + 1);
  sql = sql.slice(0, sql.indexOf('\0') < 0 ? undefined : sql.indexOf('\0'));
  const changes: ListenChange[] = [];
  for (const match of sql.matchAll(STATEMENT)) {
    const name = match[2]!;
    const channel = name === '*' ? '*' : name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase();
    changes.push({ channel, listen: !match[1] });
  }
  return changes;
}

export interface Notification {
  readonly channel: string;
  /** The whole NotificationResponse message, ready to send. */
  readonly message: Buffer;
}

/**
 * The NotificationResponse messages of a reply (whole messages), and the reply without them, except
 * those on channels `keep` names (the replying connection's own, which stay where the backend put them).
 */
export function takeNotifications(reply: Buffer, keep: (channel: string) => boolean): { readonly rest: Buffer; readonly notifications: readonly Notification[] } {
  const notifications: Notification[] = [];
  const kept: Buffer[] = [];
  let keptFrom = 0;
  for (let at = 0; at + 5 <= reply.length; ) {
    const end = at + 1 + reply.readInt32BE(at + 1);
    if (reply[at] === NOTIFICATION) {
      // int32 process id, then the channel and the payload as C strings.
      const channelEnd = reply.indexOf(0, at + 9);
      const channel = reply.subarray(at + 9, channelEnd).toString('utf8');
      notifications.push({ channel, message: Buffer.from(reply.subarray(at, end)) });
      if (!keep(channel)) {
        kept.push(reply.subarray(keptFrom, at));
        keptFrom = end;
      }
    }
    at = end;
  }
  if (keptFrom === 0) return { rest: reply, notifications };
  kept.push(reply.subarray(keptFrom));
  return { rest: Buffer.concat(kept), notifications };
}
