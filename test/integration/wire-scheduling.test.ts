// Who runs next on the embedded database's one backend (engine/db/wire-server.ts): of the connections
// waiting, the one that has used the backend least, not the one read first. A connection running long
// statements back to back (a bulk insert, an import) would otherwise make every other connection wait
// one long statement per statement of its own: timers fired minutes late during a data load.
import { jest } from '@jest/globals';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../engine/db/embedded.ts';

// The scheduler keeps the backend 10 ms (ANTICIPATION_MS) for a client about to send its next
// statement; on a machine under full load the test's own process is sometimes descheduled longer
// than that between an answer and its next statement (1 run in 4 at load 6 on 2 cores), which is
// the machine, not the scheduler. A retry tells the two apart: a scheduler without the rule fails
// every attempt (each case's order is deterministic when the client keeps to its time).
jest.retryTimes(2, { logErrorsBeforeRetry: true });

/**
 * Bulk work as a loader sends it: the same statement text each time, long for many rows. It inserts
 * one row saying who ran it, after counting `rows` rows.
 */
const bulk = (client: pg.Client, table: string, who: string, rows: number) =>
  client.query(`INSERT INTO ${table} (who) SELECT $1 FROM (SELECT count(*) FROM generate_series(1, $2::int)) AS g`, [who, rows]);

describe('the embedded database scheduler', () => {
  let database: EmbeddedPostgres;

  beforeAll(async () => {
    // In memory, in its own thread, as the server runs it.
    database = await startEmbeddedPostgres({});
  }, 60_000);

  afterAll(async () => {
    await database?.stop();
  });

  test('a connection that has used the backend long waits behind one that has not, though its statement arrived first', async () => {
    const heavy = new pg.Client(database.url);
    const running = new pg.Client(database.url);
    const light = new pg.Client(database.url);
    await Promise.all([heavy.connect(), running.connect(), light.connect()]);
    try {
      await heavy.query('DROP TABLE IF EXISTS ran'); // a retried attempt starts clean
      await heavy.query('CREATE TABLE ran (n serial PRIMARY KEY, who text NOT NULL)');
      // `heavy` has used the backend for a long statement of its bulk work; `light` has not.
      await bulk(heavy, 'ran', 'warm', 1_500_000);
      // While `running` holds the backend, `heavy` sends a statement, then `light` does.
      const blocking = running.query('SELECT count(*) FROM generate_series(1, 3000000)');
      while (database.activity().busyMs === null) await new Promise((resolve) => setTimeout(resolve, 5));
      const heavyInsert = bulk(heavy, 'ran', 'heavy', 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const lightInsert = light.query(`INSERT INTO ran (who) VALUES ('light')`);
      // Both wait for the long statement (a second or more); `light`'s insert must not have run yet.
      expect(database.activity().busyMs).not.toBeNull();
      await Promise.all([blocking, heavyInsert, lightInsert]);
      const { rows } = await light.query<{ who: string }>('SELECT who FROM ran ORDER BY n');
      expect(rows.map((r) => r.who)).toEqual(['warm', 'light', 'heavy']);
    } finally {
      await Promise.all([heavy.end(), running.end(), light.end()]);
    }
  }, 60_000);

  test('a connection that just finished a statement keeps its turn for its next one over a connection that has used the backend more', async () => {
    // A timer step is a fetch, then a transaction: between the two (and between two steps) its client
    // takes a round trip. A bulk insert waiting then got the backend every time, so each step waited a
    // whole long statement.
    const heavy = new pg.Client(database.url);
    const running = new pg.Client(database.url);
    const light = new pg.Client(database.url);
    await Promise.all([heavy.connect(), running.connect(), light.connect()]);
    try {
      await heavy.query('DROP TABLE IF EXISTS turns'); // a retried attempt starts clean
      await heavy.query('CREATE TABLE turns (n serial PRIMARY KEY, who text NOT NULL)');
      await bulk(heavy, 'turns', 'warm', 1_500_000);
      const blocking = running.query('SELECT count(*) FROM generate_series(1, 3000000)');
      while (database.activity().busyMs === null) await new Promise((resolve) => setTimeout(resolve, 5));
      const heavyInsert = bulk(heavy, 'turns', 'heavy', 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // `light` sends its second statement as soon as its first is answered, as a worker does.
      // (The same statement twice: `light` keeps its own record of backend time between the two.)
      const lightInsert = (who: string) => light.query('INSERT INTO turns (who) VALUES ($1)', [who]);
      const lightInserts = lightInsert('light 1').then(() => lightInsert('light 2'));
      expect(database.activity().busyMs).not.toBeNull();
      await Promise.all([blocking, heavyInsert, lightInserts]);
      const { rows } = await light.query<{ who: string }>('SELECT who FROM turns ORDER BY n');
      expect(rows.map((r) => r.who)).toEqual(['warm', 'light 1', 'light 2', 'heavy']);
    } finally {
      await Promise.all([heavy.end(), running.end(), light.end()]);
    }
  }, 60_000);

  test('a connection that runs long statements waits while a connection behind it is within its usual think time, though that is past the anticipation', async () => {
    // The workers firing timers take tens of milliseconds between two statements on a busy machine:
    // a bulk insert waiting got the backend in each of those gaps, took most of it, and timers fell
    // seconds behind during a data load.
    const heavy = new pg.Client(database.url);
    const light = new pg.Client(database.url);
    await Promise.all([heavy.connect(), light.connect()]);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 25));
    try {
      await heavy.query('DROP TABLE IF EXISTS thinking'); // a retried attempt starts clean
      await heavy.query('CREATE TABLE thinking (n serial PRIMARY KEY, who text NOT NULL)');
      // `heavy` runs long statements.
      await bulk(heavy, 'thinking', 'warm', 3_000_000);
      await bulk(heavy, 'thinking', 'warm', 3_000_000);
      // `light` pauses 25 ms between statements (more than the anticipation), as a worker does.
      for (let i = 0; i < 4; i++) {
        await light.query('SELECT 1');
        await pause();
      }
      await light.query('SELECT 1');
      // Just after `light`'s answer `heavy` sends a statement; `light` sends its next one 25 ms later.
      const heavyInsert = bulk(heavy, 'thinking', 'heavy', 1);
      const lightInsert = pause().then(() => light.query(`INSERT INTO thinking (who) VALUES ('light')`));
      await Promise.all([heavyInsert, lightInsert]);
      const { rows } = await light.query<{ who: string }>('SELECT who FROM thinking ORDER BY n');
      expect(rows.map((r) => r.who)).toEqual(['warm', 'warm', 'light', 'heavy']);
    } finally {
      await Promise.all([heavy.end(), light.end()]);
    }
  }, 60_000);

  test('a pooled connection that ran a bulk statement runs its next, other work afresh, while the bulk statement brings its backend time to the connection it moves to', async () => {
    // A pool hands the connection a bulk INSERT just ran on to a timer step, and the loader's next
    // INSERT to another connection. Judged by the connection's record, the step waited behind that
    // INSERT as bulk work (BEGIN waits of 10 s during a data load).
    const [pooled, running, other] = [0, 1, 2].map(() => new pg.Client(database.url)) as [pg.Client, pg.Client, pg.Client];
    const clients = [pooled, running, other];
    await Promise.all(clients.map((client) => client.connect()));
    const order = async () => (await pooled.query<{ who: string }>('SELECT who FROM handed ORDER BY n')).rows.map((r) => r.who);
    try {
      await pooled.query('DROP TABLE IF EXISTS handed'); // a retried attempt starts clean
      await pooled.query('CREATE TABLE handed (n serial PRIMARY KEY, who text NOT NULL)');
      // The loader's INSERT ran on `pooled`, which goes back to the pool.
      await bulk(pooled, 'handed', 'loader 1', 3_000_000);
      const blocking = running.query('SELECT count(*) FROM generate_series(1, 3000000)');
      while (database.activity().busyMs === null) await new Promise((resolve) => setTimeout(resolve, 5));
      // While `running` holds the backend the loader's next INSERT arrives on `other`, then a timer
      // step's statement on `pooled`.
      const waiting = [bulk(other, 'handed', 'loader 2', 1_500_000), new Promise((resolve) => setTimeout(resolve, 50)).then(() => pooled.query(`INSERT INTO handed (who) VALUES ('step')`))];
      await Promise.all([blocking, ...waiting]);
      expect(await order()).toEqual(['loader 1', 'step', 'loader 2']);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  }, 60_000);
});
