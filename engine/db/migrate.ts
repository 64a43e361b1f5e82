// Platform migrations (the tables in schema `tessera`), run by knex on start. The same files run on
// the embedded PGlite and on a PostgreSQL server.
import type { Knex } from 'knex';
import * as platform001 from './migrations/001-platform.ts';
import * as identity002 from './migrations/002-identity.ts';
import * as processes003 from './migrations/003-processes.ts';
import * as authNotify004 from './migrations/004-auth-notify.ts';
import * as platformLevel005 from './migrations/005-platform-level.ts';
import * as messageBuffer006 from './migrations/006-message-buffer.ts';
import * as tokenScopes007 from './migrations/007-token-scopes.ts';
import * as processRunAs008 from './migrations/008-process-run-as.ts';
import * as accountNotifications009 from './migrations/009-account-notifications.ts';
import * as connectors010 from './migrations/010-connectors.ts';
import * as savedViews011 from './migrations/011-saved-views.ts';
import * as comments012 from './migrations/012-comments.ts';
import * as sms014 from './migrations/014-sms.ts';
import * as fiscal015 from './migrations/015-fiscal.ts';
import * as automation016 from './migrations/016-automation.ts';
import * as email017 from './migrations/017-email.ts';
import * as calendarSync018 from './migrations/018-calendar-sync.ts';
import * as emailSignatures020 from './migrations/020-email-signatures.ts';
import * as calendarInvitations021 from './migrations/021-calendar-invitations.ts';
import * as fiscalReports022 from './migrations/022-fiscal-reports.ts';
import * as auditOrigin023 from './migrations/023-audit-origin.ts';
import * as imports025 from './migrations/025-imports.ts';
import * as userDashboards030 from './migrations/030-user-dashboards.ts';
import * as recordSetRuns031 from './migrations/031-record-set-runs.ts';
import * as smsDelivery032 from './migrations/032-sms-delivery.ts';
import * as currencyRates036 from './migrations/036-currency-rates.ts';
import * as recordJobs039 from './migrations/039-record-jobs.ts';
import * as connectorSettingsNotify043 from './migrations/043-connector-settings-notify.ts';
import * as assignmentWakeUps046 from './migrations/046-assignment-wake-ups.ts';
import * as auditPartitions049 from './migrations/049-audit-partitions.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['001-platform', platform001],
  ['002-identity', identity002],
  ['003-processes', processes003],
  ['004-auth-notify', authNotify004],
  ['005-platform-level', platformLevel005],
  ['006-message-buffer', messageBuffer006],
  ['007-token-scopes', tokenScopes007],
  ['008-process-run-as', processRunAs008],
  ['009-account-notifications', accountNotifications009],
  ['010-connectors', connectors010],
  ['011-saved-views', savedViews011],
  ['012-comments', comments012],
  ['014-sms', sms014],
  ['015-fiscal', fiscal015],
  ['016-automation', automation016],
  ['017-email', email017],
  ['018-calendar-sync', calendarSync018],
  ['020-email-signatures', emailSignatures020],
  ['021-calendar-invitations', calendarInvitations021],
  ['022-fiscal-reports', fiscalReports022],
  ['023-audit-origin', auditOrigin023],
  ['025-imports', imports025],
  ['030-user-dashboards', userDashboards030],
  ['031-record-set-runs', recordSetRuns031],
  ['032-sms-delivery', smsDelivery032],
  ['036-currency-rates', currencyRates036],
  ['039-record-jobs', recordJobs039],
  ['043-connector-settings-notify', connectorSettingsNotify043],
  ['046-assignment-wake-ups', assignmentWakeUps046],
  ['049-audit-partitions', auditPartitions049],
];

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS.find(([n]) => n === name)![1],
};

export interface PlatformCapabilities {
  /** pg_trgm is installed: text search uses trigram indexes. */
  readonly trigram: boolean;
}

export async function migratePlatform(knex: Knex): Promise<PlatformCapabilities> {
  await knex.raw('CREATE SCHEMA IF NOT EXISTS tessera');
  await knex.migrate.latest({ migrationSource: source, schemaName: 'tessera', tableName: 'platform_migrations' });
  const trigram = await ensureExtension(knex, 'pg_trgm');
  await ensureExtension(knex, 'btree_gist');
  return { trigram };
}

/**
 * pg_trgm and btree_gist are trusted extensions (PostgreSQL 13+): a database owner may create them.
 * Without pg_trgm search works unindexed; without btree_gist exclusion rules are enforced by the
 * engine's check alone (schema-sync looks whether it is installed when it adds one).
 */
async function ensureExtension(knex: Knex, name: 'pg_trgm' | 'btree_gist'): Promise<boolean> {
  const installed = await knex.raw(`SELECT 1 FROM pg_extension WHERE extname = ?`, [name]);
  if (installed.rows.length > 0) return true;
  try {
    await knex.raw(`CREATE EXTENSION IF NOT EXISTS ${name}`);
    return true;
  } catch {
    return false;
  }
}
