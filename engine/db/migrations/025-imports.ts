import type { Knex } from 'knex';

// Imports (docs/import.md): a file imported into an entity type as a job. `imports` holds the file,
// the options and the progress (`processed` rows, committed with each chunk's records, so a restarted
// server goes on where the last chunk ended); `import_records` what each row wrote (the undo list:
// the version it left and, for an update, its audit row with the values before); `import_problems`
// the validation report per row and field; `import_mappings` users' saved column mappings.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      entity varchar(63) NOT NULL,
      user_id uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      dry_run boolean NOT NULL,
      status varchar(12) NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'cancelled', 'done', 'failed', 'undone')),
      file_name varchar(255) NOT NULL,
      format varchar(4) NOT NULL,
      encoding varchar(16),
      delimiter varchar(1),
      content bytea NOT NULL,
      options jsonb NOT NULL,
      total integer NOT NULL,
      processed integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      skipped integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      error text,
      runner varchar(64),
      heartbeat_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      undone_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX imports_open ON tessera.imports (status) WHERE status IN ('queued', 'running', 'cancelling')`);
  await knex.raw(`
    CREATE TABLE tessera.import_records (
      import_id uuid NOT NULL REFERENCES tessera.imports(id) ON DELETE CASCADE,
      row_number integer NOT NULL,
      record_id uuid NOT NULL,
      action varchar(6) NOT NULL CHECK (action IN ('create', 'update')),
      version integer NOT NULL,
      audit_id bigint,
      PRIMARY KEY (import_id, row_number)
    )`);
  await knex.raw(`
    CREATE TABLE tessera.import_problems (
      import_id uuid NOT NULL REFERENCES tessera.imports(id) ON DELETE CASCADE,
      row_number integer NOT NULL,
      pointer text NOT NULL,
      code varchar(64),
      detail text NOT NULL,
      params jsonb
    )`);
  await knex.raw(`CREATE INDEX import_problems_row ON tessera.import_problems (import_id, row_number)`);
  await knex.raw(`
    CREATE TABLE tessera.import_mappings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid REFERENCES tessera.users(id) ON DELETE CASCADE,
      entity varchar(63) NOT NULL,
      name varchar(100) NOT NULL,
      columns jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE UNIQUE INDEX import_mappings_name_uq ON tessera.import_mappings (owner_id, entity, lower(name))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE tessera.import_mappings, tessera.import_problems, tessera.import_records, tessera.imports');
}
