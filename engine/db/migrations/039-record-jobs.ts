import type { Knex } from 'knex';

// Bulk actions over sets of records as background jobs (engine/record-sets/jobs.ts): `record_jobs`
// holds what to do (a kind: a workflow per record, serial SMS…), to which records (ids, or a list
// filter read with the starter's rights), the cursor the last committed chunk ended at and the
// progress; `record_job_items` one row per record done or failed, committed with the record's work:
// its key (job, record) is what makes a record done at most once, also across a restart.
// An import's row may also create related records (a contractor's person): its undo list gets a
// `part` per record of the row (0 the row's own) and their `entity` (null: the import's type).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.import_records ADD COLUMN part smallint NOT NULL DEFAULT 0, ADD COLUMN entity varchar(63)`);
  await knex.raw(`ALTER TABLE tessera.import_records DROP CONSTRAINT import_records_pkey, ADD PRIMARY KEY (import_id, row_number, part)`);
  await knex.raw(`
    CREATE TABLE tessera.record_jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind varchar(63) NOT NULL,
      entity varchar(63) NOT NULL,
      user_id uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      via varchar(20) NOT NULL,
      status varchar(12) NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'cancelled', 'done', 'failed')),
      selection jsonb NOT NULL,
      params jsonb NOT NULL,
      total integer NOT NULL,
      done integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      cursor text,
      finished_selection boolean NOT NULL DEFAULT false,
      error text,
      runner varchar(64),
      heartbeat_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX record_jobs_open ON tessera.record_jobs (status) WHERE status IN ('queued', 'running', 'cancelling')`);
  await knex.raw(`
    CREATE TABLE tessera.record_job_items (
      job_id uuid NOT NULL REFERENCES tessera.record_jobs(id) ON DELETE CASCADE,
      record_id uuid NOT NULL,
      ok boolean NOT NULL,
      code varchar(64),
      detail text,
      PRIMARY KEY (job_id, record_id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE tessera.record_job_items, tessera.record_jobs');
  await knex.raw(`DELETE FROM tessera.import_records WHERE part <> 0`);
  await knex.raw(`ALTER TABLE tessera.import_records DROP CONSTRAINT import_records_pkey, ADD PRIMARY KEY (import_id, row_number), DROP COLUMN part, DROP COLUMN entity`);
}
