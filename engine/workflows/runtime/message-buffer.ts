// Messages in the database: who subscribes to a name and key, which processes a message starts, and
// the buffer of messages published with a time to live that no instance took yet. The step session
// decides what to do with them; these are its statements.
import type { JsonObject } from '../expression.ts';
import type { Sql } from './sql.ts';

/**
 * Serialises publishing and taking kept messages of one name and key across transactions: without
 * it, a publisher that finds no subscription and a subscriber that finds no message (each not yet
 * seeing the other's uncommitted row) would leave the message kept and the instance waiting. Held
 * to commit; the statement that follows sees what the other side committed.
 */
export async function lockMessageKey(sql: Sql, name: string, correlationKey: string): Promise<void> {
  await sql(`SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 7321))`, [name, correlationKey]);
}

/** Takes (deletes and returns) the oldest live kept message of a name and key; null when none. */
export async function takeKeptMessage(sql: Sql, name: string, correlationKey: string): Promise<JsonObject | null> {
  const [message] = await sql<{ variables: JsonObject }>(
    `DELETE FROM tessera.process_messages WHERE id = (
       SELECT id FROM tessera.process_messages WHERE message_name = $1 AND correlation_key = $2 AND expires_at > now()
        ORDER BY created_at, id LIMIT 1 FOR UPDATE)
     RETURNING variables`,
    [name, correlationKey],
  );
  return message?.variables ?? null;
}

/** The subscription a message correlates to in each waiting instance: the instance's oldest. */
export async function messageSubscribers(sql: Sql, name: string, correlationKey: string): Promise<{ readonly id: string; readonly instanceId: string }[]> {
  const rows = await sql<{ id: string; instance_id: string }>(
    `SELECT id, instance_id FROM tessera.process_message_subscriptions WHERE message_name = $1 AND correlation_key = $2 ORDER BY created_at, id`,
    [name, correlationKey],
  );
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.instance_id) && seen.add(row.instance_id)).map((row) => ({ id: row.id, instanceId: row.instance_id }));
}

/** The message start events of the deployed processes for a message name. */
export async function messageStarts(sql: Sql, name: string): Promise<{ readonly processId: string; readonly version: number; readonly startEventId: string }[]> {
  const rows = await sql<{ process_id: string; version: number; start_event_id: string }>(
    `SELECT process_id, version, start_event_id FROM tessera.process_message_starts WHERE message_name = $1 ORDER BY process_id, start_event_id`,
    [name],
  );
  return rows.map((row) => ({ processId: row.process_id, version: row.version, startEventId: row.start_event_id }));
}

/** Keeps a message for its time to live; expired ones go as new ones arrive (a few at a time, never waiting for another transaction's). */
export async function keepMessage(sql: Sql, id: string, name: string, correlationKey: string, variables: JsonObject, timeToLiveMs: number): Promise<void> {
  await sql(
    `WITH expired AS (DELETE FROM tessera.process_messages WHERE id IN (
       SELECT id FROM tessera.process_messages WHERE expires_at <= now() ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED))
     INSERT INTO tessera.process_messages (id, message_name, correlation_key, variables, expires_at) VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')`,
    [id, name, correlationKey, JSON.stringify(variables), timeToLiveMs],
  );
}
