import type { Knex } from 'knex';

// The workflow runtime's tables. The instance row's `state` (the pure core's InstanceState) is the
// source of truth; every other table is an index over it kept in the same step transaction, so what
// must be found fast (due timers, message subscriptions, the user task behind an activity, open
// incidents) is a plain indexed lookup. Element instances, tokens and variables are SQL views over
// the state jsonb, which costs nothing per step. Index tables carry no foreign keys to instances:
// the engine writes them together with the instance in one transaction, and a new instance's row is
// written only when its first step settles. Instances and user tasks are updated in place at every
// step: free space in their pages (fillfactor) keeps those updates HOT when no indexed column
// changes. PostgreSQL 15 features only (same file on PGlite).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.process_deployments (
      id uuid PRIMARY KEY,
      resource_name varchar(255),
      xml text NOT NULL,
      checksum char(64) NOT NULL,
      source varchar(20) NOT NULL,
      deployed_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      deployed_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`
    CREATE TABLE tessera.process_definitions (
      process_id varchar(255) NOT NULL,
      version integer NOT NULL,
      deployment_id uuid NOT NULL REFERENCES tessera.process_deployments(id),
      name text,
      version_tag varchar(255),
      checksum char(64) NOT NULL,
      forms jsonb NOT NULL DEFAULT '{}',
      deployed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (process_id, version)
    )`);
  await knex.raw(`CREATE INDEX process_definitions_deployment_ix ON tessera.process_definitions (deployment_id)`);
  await knex.raw(`
    CREATE TABLE tessera.process_instances (
      id uuid PRIMARY KEY,
      process_id varchar(255) NOT NULL,
      version integer NOT NULL,
      status varchar(12) NOT NULL CHECK (status IN ('active', 'completed', 'terminated')),
      state jsonb NOT NULL,
      business_entity varchar(64),
      business_id uuid,
      parent_instance_id uuid,
      started_by uuid,
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      FOREIGN KEY (process_id, version) REFERENCES tessera.process_definitions (process_id, version)
    ) WITH (fillfactor = 70)`);
  await knex.raw(`CREATE INDEX process_instances_record_ix ON tessera.process_instances (business_entity, business_id, started_at)`);
  await knex.raw(`CREATE INDEX process_instances_process_ix ON tessera.process_instances (process_id, status, started_at)`);
  await knex.raw(`CREATE INDEX process_instances_active_ix ON tessera.process_instances (started_at) WHERE status = 'active'`);
  await knex.raw(`CREATE INDEX process_instances_parent_ix ON tessera.process_instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL`);

  // Due timers of instances (instance_id set) and process start timers (instance_id null, the
  // definition and start event set). A pg-boss job with the same id fires each one.
  await knex.raw(`
    CREATE TABLE tessera.process_timers (
      id uuid PRIMARY KEY,
      instance_id uuid,
      element_instance_id uuid,
      element_id varchar(255) NOT NULL,
      process_id varchar(255),
      version integer,
      repetitions integer,
      cycle jsonb,
      due_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE INDEX process_timers_due_ix ON tessera.process_timers (due_at)`);
  await knex.raw(`CREATE INDEX process_timers_instance_ix ON tessera.process_timers (instance_id) WHERE instance_id IS NOT NULL`);
  await knex.raw(`CREATE INDEX process_timers_start_ix ON tessera.process_timers (process_id) WHERE instance_id IS NULL`);
  await knex.raw(`
    CREATE TABLE tessera.process_message_subscriptions (
      id uuid PRIMARY KEY,
      instance_id uuid NOT NULL,
      element_instance_id uuid NOT NULL,
      element_id varchar(255) NOT NULL,
      message_name text NOT NULL,
      correlation_key text NOT NULL,
      interrupting boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE INDEX process_message_subscriptions_ix ON tessera.process_message_subscriptions (message_name, correlation_key)`);
  await knex.raw(`CREATE INDEX process_message_subscriptions_instance_ix ON tessera.process_message_subscriptions (instance_id)`);
  // Message start events of the latest version of each process.
  await knex.raw(`
    CREATE TABLE tessera.process_message_starts (
      process_id varchar(255) NOT NULL,
      version integer NOT NULL,
      start_event_id varchar(255) NOT NULL,
      message_name text NOT NULL,
      PRIMARY KEY (process_id, start_event_id)
    )`);
  await knex.raw(`CREATE INDEX process_message_starts_name_ix ON tessera.process_message_starts (message_name)`);
  await knex.raw(`
    CREATE TABLE tessera.process_signal_subscriptions (
      id uuid PRIMARY KEY,
      instance_id uuid NOT NULL,
      element_instance_id uuid NOT NULL,
      element_id varchar(255) NOT NULL,
      signal_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE INDEX process_signal_subscriptions_ix ON tessera.process_signal_subscriptions (signal_name)`);
  // A user task is an activity: this row maps one to the other and outlives the task (ended_at).
  await knex.raw(`
    CREATE TABLE tessera.process_user_tasks (
      id uuid PRIMARY KEY,
      activity_id uuid NOT NULL UNIQUE,
      instance_id uuid NOT NULL,
      element_instance_id uuid NOT NULL,
      element_id varchar(255) NOT NULL,
      process_id varchar(255) NOT NULL,
      version integer NOT NULL,
      form_key text,
      assignee text,
      candidate_groups text[] NOT NULL DEFAULT '{}',
      candidate_users text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      outcome varchar(12) CHECK (outcome IN ('completed', 'cancelled'))
    ) WITH (fillfactor = 80)`);
  await knex.raw(`CREATE INDEX process_user_tasks_instance_ix ON tessera.process_user_tasks (instance_id)`);
  await knex.raw(`
    CREATE TABLE tessera.process_incidents (
      id uuid PRIMARY KEY,
      instance_id uuid NOT NULL,
      element_instance_id uuid NOT NULL,
      element_id varchar(255) NOT NULL,
      code varchar(40) NOT NULL,
      message text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX process_incidents_instance_ix ON tessera.process_incidents (instance_id)`);
  await knex.raw(`CREATE INDEX process_incidents_open_ix ON tessera.process_incidents (created_at) WHERE resolved_at IS NULL`);
  await knex.raw(`
    CREATE TABLE tessera.process_history (
      id bigserial PRIMARY KEY,
      instance_id uuid NOT NULL,
      element_instance_id uuid NOT NULL,
      element_id varchar(255) NOT NULL,
      element_type varchar(64) NOT NULL,
      event varchar(10) NOT NULL,
      at timestamptz NOT NULL
    )`);
  await knex.raw(`CREATE INDEX process_history_instance_ix ON tessera.process_history (instance_id, id)`);

  // Queryable views over the state jsonb: nothing extra is written per step.
  await knex.raw(`
    CREATE VIEW tessera.process_element_instances AS
    SELECT i.id AS instance_id, i.process_id, i.version, e.key::uuid AS element_instance_id,
           e.value->>'elementId' AS element_id, e.value->>'elementType' AS element_type,
           e.value->>'kind' AS kind, (e.value->>'parentId')::uuid AS parent_id, e.value->>'status' AS status,
           (e.value->>'loopCounter')::integer AS loop_counter
    FROM tessera.process_instances i, jsonb_each(i.state->'elementInstances') e
    WHERE i.status = 'active'`);
  await knex.raw(`
    CREATE VIEW tessera.process_tokens AS
    SELECT i.id AS instance_id, t.key::uuid AS token_id, (t.value->>'scopeId')::uuid AS scope_id,
           t.value->>'elementId' AS element_id, t.value->>'flowId' AS flow_id
    FROM tessera.process_instances i, jsonb_each(i.state->'tokens') t
    WHERE i.status = 'active'`);
  await knex.raw(`
    CREATE VIEW tessera.process_variables AS
    SELECT i.id AS instance_id, s.key::uuid AS scope_id, (s.key = i.state->>'rootElementInstanceId') AS is_root,
           v.key AS name, v.value AS value
    FROM tessera.process_instances i, jsonb_each(i.state->'variables') s, jsonb_each(s.value) v`);

  // In-app notifications now; rows for other channels (sms, email) wait as 'pending' until a
  // connector delivers them.
  await knex.raw(`
    CREATE TABLE tessera.notifications (
      id bigserial PRIMARY KEY,
      channel varchar(20) NOT NULL,
      user_id uuid REFERENCES tessera.users(id) ON DELETE CASCADE,
      recipient_entity varchar(64),
      recipient_id uuid,
      address varchar(254),
      subject text NOT NULL,
      body text,
      record_entity varchar(64),
      record_id uuid,
      instance_id uuid,
      idempotency_key varchar(200),
      status varchar(12) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX notifications_user_ix ON tessera.notifications (user_id, id) WHERE user_id IS NOT NULL`);
  await knex.raw(`CREATE INDEX notifications_pending_ix ON tessera.notifications (channel, id) WHERE status = 'pending'`);
  await knex.raw(`CREATE UNIQUE INDEX notifications_idempotency_uq ON tessera.notifications (idempotency_key) WHERE idempotency_key IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP VIEW tessera.process_variables, tessera.process_tokens, tessera.process_element_instances`);
  await knex.raw(`
    DROP TABLE tessera.notifications, tessera.process_history, tessera.process_incidents, tessera.process_user_tasks,
      tessera.process_signal_subscriptions, tessera.process_message_starts, tessera.process_message_subscriptions,
      tessera.process_timers, tessera.process_instances, tessera.process_definitions, tessera.process_deployments`);
}
