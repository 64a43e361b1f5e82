import type { Knex } from 'knex';

// tessera.audit_log becomes a table partitioned by RANGE (at), one partition a calendar month (UTC),
// named tessera.audit_log_YYYY_MM, plus tessera.audit_log_default for rows outside the months that
// exist (an insert never fails for want of a partition). The primary key becomes (id, at): a
// partitioned table's unique constraints must include the partition key; ids still come from the
// one sequence, so they stay unique. Nothing references audit rows by foreign key
// (tessera.import_records.audit_id is a plain bigint). The rows are copied inside this migration's
// transaction. The append-only triggers (migration 002) are re-created on the parent: the row
// triggers are cloned onto every partition by PostgreSQL; TRUNCATE triggers are not, so
// tessera.audit_log_partition() puts one on each partition it makes.
//
// tessera.audit_log_partition(month) makes the month's partition if it is missing, moving the rows
// the DEFAULT partition holds for that month into it first (the maintenance loop calls it for the
// months ahead and for any month found in the DEFAULT partition: engine/db/audit-partitions.ts).
// tessera.audit_archive lists the months detached for retention (TESSERA_AUDIT_RETENTION_MONTHS)
// into schema tessera_archive, and whether they were exported and dropped (`tessera audit-archive`).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.audit_log RENAME TO audit_log_unpartitioned`);
  await knex.raw(`ALTER INDEX tessera.audit_log_pkey RENAME TO audit_log_unpartitioned_pkey`);
  await knex.raw(`ALTER INDEX tessera.audit_log_record_ix RENAME TO audit_log_unpartitioned_record_ix`);
  await knex.raw(`CREATE TABLE tessera.audit_log (LIKE tessera.audit_log_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (at)`);
  await knex.raw(`ALTER SEQUENCE tessera.audit_log_id_seq OWNED BY tessera.audit_log.id`);
  await knex.raw(`ALTER TABLE tessera.audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id, at)`);
  await knex.raw(`ALTER TABLE tessera.audit_log ADD CONSTRAINT audit_log_actor_fkey FOREIGN KEY (actor) REFERENCES tessera.users(id) ON DELETE RESTRICT`);
  // A record's trail is read by record id alone (GET …/history: ids are unique across types and the
  // trail survives a rename of the type), which the (entity, record_id, id) index of migration 001
  // served only by scanning it whole (130 ms at 600,000 rows, BENCH=audit); (record_id, id) serves
  // that and the reads that also name the entity (users', teams' and connectors' trails, imports).
  await knex.raw(`CREATE INDEX audit_log_record_ix ON tessera.audit_log (record_id, id)`);
  await knex.raw(`CREATE TABLE tessera.audit_log_default PARTITION OF tessera.audit_log DEFAULT`);
  await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON tessera.audit_log_default FOR EACH STATEMENT EXECUTE FUNCTION tessera.audit_log_append_only()`);
  await knex.raw(`
    CREATE FUNCTION tessera.audit_log_partition(month timestamptz) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE
      lo timestamp := date_trunc('month', month AT TIME ZONE 'UTC');
      hi timestamp := date_trunc('month', month AT TIME ZONE 'UTC') + interval '1 month';
      name text := 'audit_log_' || to_char(lo, 'YYYY_MM');
      moved bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('tessera.audit_log partitions'));
      IF to_regclass('tessera.' || name) IS NOT NULL OR to_regclass('tessera_archive.' || name) IS NOT NULL THEN
        RETURN name;
      END IF;
      PERFORM 1 FROM tessera.audit_log_default WHERE at >= lo AT TIME ZONE 'UTC' AND at < hi AT TIME ZONE 'UTC' LIMIT 1;
      IF NOT FOUND THEN
        EXECUTE format('CREATE TABLE tessera.%I PARTITION OF tessera.audit_log FOR VALUES FROM (%L) TO (%L)', name, lo AT TIME ZONE 'UTC', hi AT TIME ZONE 'UTC');
      ELSE
        -- Rows of this month wait in the DEFAULT partition: move them to a table of their own, then attach it.
        EXECUTE format('CREATE TABLE tessera.%I (LIKE tessera.audit_log INCLUDING DEFAULTS)', name);
        PERFORM set_config('tessera.audit_maintenance', 'on', true);
        EXECUTE format('WITH m AS (DELETE FROM tessera.audit_log_default WHERE at >= %L AND at < %L RETURNING *) INSERT INTO tessera.%I SELECT * FROM m', lo AT TIME ZONE 'UTC', hi AT TIME ZONE 'UTC', name);
        PERFORM set_config('tessera.audit_maintenance', 'off', true);
        EXECUTE format('ALTER TABLE tessera.audit_log ATTACH PARTITION tessera.%I FOR VALUES FROM (%L) TO (%L)', name, lo AT TIME ZONE 'UTC', hi AT TIME ZONE 'UTC');
      END IF;
      EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON tessera.%I FOR EACH STATEMENT EXECUTE FUNCTION tessera.audit_log_append_only()', name);
      RETURN name;
    END $$`);
  // The months of the existing rows (at most ten years back; older ones wait in DEFAULT) up to two ahead.
  await knex.raw(`
    SELECT tessera.audit_log_partition(m)
      FROM generate_series(
             greatest(date_trunc('month', coalesce((SELECT min(at) FROM tessera.audit_log_unpartitioned), now()) AT TIME ZONE 'UTC'),
                      date_trunc('month', now() AT TIME ZONE 'UTC') - interval '120 months') AT TIME ZONE 'UTC',
             (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '2 months') AT TIME ZONE 'UTC',
             interval '1 month') AS m`);
  await knex.raw(`INSERT INTO tessera.audit_log SELECT * FROM tessera.audit_log_unpartitioned`);
  await knex.raw(`DROP TABLE tessera.audit_log_unpartitioned`);
  await knex.raw(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON tessera.audit_log FOR EACH ROW EXECUTE FUNCTION tessera.audit_log_append_only()`);
  await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON tessera.audit_log FOR EACH STATEMENT EXECUTE FUNCTION tessera.audit_log_append_only()`);
  await knex.raw(`
    CREATE TABLE tessera.audit_archive (
      month date PRIMARY KEY,
      table_name text NOT NULL,
      rows bigint NOT NULL,
      detached_at timestamptz NOT NULL DEFAULT now(),
      exported_to text,
      exported_rows bigint,
      dropped_at timestamptz
    )`);
}

// Going down loses no audit row. The months retention detached into tessera_archive and not yet
// exported come back into the one table with the rest (the trail is whole again, as before 049);
// a month exported and dropped is in its file only, so where that file is stays recorded in
// tessera_archive.audit_exports (the register itself goes with the partitioning). It all runs in
// the migration's transaction: a failure leaves the partitioned trail and its archive as they were.
export async function down(knex: Knex): Promise<void> {
  const { rows: archived } = (await knex.raw(`SELECT table_name FROM tessera.audit_archive WHERE dropped_at IS NULL ORDER BY month`)) as {
    rows: { table_name: string }[];
  };
  const { rows: exported } = (await knex.raw(`SELECT count(*)::int AS n FROM tessera.audit_archive WHERE dropped_at IS NOT NULL`)) as { rows: { n: number }[] };
  if (exported[0]!.n > 0) {
    await knex.raw(`CREATE TABLE IF NOT EXISTS tessera_archive.audit_exports (LIKE tessera.audit_archive INCLUDING ALL)`);
    await knex.raw(`INSERT INTO tessera_archive.audit_exports SELECT * FROM tessera.audit_archive WHERE dropped_at IS NOT NULL ON CONFLICT DO NOTHING`);
  }
  await knex.raw(`DROP TABLE tessera.audit_archive`);
  await knex.raw(`ALTER TABLE tessera.audit_log RENAME TO audit_log_partitioned`);
  await knex.raw(`ALTER INDEX tessera.audit_log_pkey RENAME TO audit_log_partitioned_pkey`);
  await knex.raw(`ALTER INDEX tessera.audit_log_record_ix RENAME TO audit_log_partitioned_record_ix`);
  await knex.raw(`CREATE TABLE tessera.audit_log (LIKE tessera.audit_log_partitioned INCLUDING DEFAULTS)`);
  await knex.raw(`ALTER SEQUENCE tessera.audit_log_id_seq OWNED BY tessera.audit_log.id`);
  await knex.raw(`ALTER TABLE tessera.audit_log ADD PRIMARY KEY (id)`);
  await knex.raw(`ALTER TABLE tessera.audit_log ADD CONSTRAINT audit_log_actor_fkey FOREIGN KEY (actor) REFERENCES tessera.users(id) ON DELETE RESTRICT`);
  await knex.raw(`CREATE INDEX audit_log_record_ix ON tessera.audit_log (entity, record_id, id)`);
  await knex.raw(`INSERT INTO tessera.audit_log SELECT * FROM tessera.audit_log_partitioned`);
  for (const { table_name } of archived) {
    // table_name is tessera_archive.audit_log_YYYY_MM, written by engine/db/audit-partitions.ts.
    const [schema, table] = table_name.split('.') as [string, string];
    await knex.raw(`INSERT INTO tessera.audit_log SELECT * FROM ??.??`, [schema, table]);
    await knex.raw(`DROP TABLE ??.??`, [schema, table]);
  }
  await knex.raw(`DROP TABLE tessera.audit_log_partitioned`);
  await knex.raw(`DROP FUNCTION tessera.audit_log_partition(timestamptz)`);
  await knex.raw(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON tessera.audit_log FOR EACH ROW EXECUTE FUNCTION tessera.audit_log_append_only()`);
  await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON tessera.audit_log FOR EACH STATEMENT EXECUTE FUNCTION tessera.audit_log_append_only()`);
}
