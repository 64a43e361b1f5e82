// Teams: named groups of users. The `team` scope of a role covers records owned (or, for
// activities, assigned to) anyone sharing a team with the acting user.
import type { Knex } from 'knex';
import { TesseraError, type Problem } from '../errors.ts';
import { auditAdminChange, diff, type AuditActor } from './audit.ts';
import { isUuid } from '../../metadata/index.ts';
import { postgresError } from '../db/errors.ts';

export interface TeamInfo {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  /** User ids. */
  readonly members: readonly string[];
}

const NAME = /^[a-z][a-z0-9_]{0,99}$/;

export async function listTeams(db: Knex | Knex.Transaction): Promise<TeamInfo[]> {
  const teams = (await db('tessera.teams').orderBy('name').select('id', 'name', 'label')) as { id: string; name: string; label: string }[];
  const members = (await db('tessera.team_members').select('team_id', 'user_id').orderBy('user_id')) as { team_id: string; user_id: string }[];
  return teams.map((t) => ({ ...t, members: members.filter((m) => m.team_id === t.id).map((m) => m.user_id) }));
}

export async function getTeam(db: Knex | Knex.Transaction, id: string): Promise<TeamInfo> {
  if (!isUuid(id)) throw new TesseraError('NOT_FOUND', `no team with id ${id}`);
  const team = (await db('tessera.teams').where({ id }).first('id', 'name', 'label')) as { id: string; name: string; label: string } | undefined;
  if (!team) throw new TesseraError('NOT_FOUND', `no team with id ${id}`);
  const members = (await db('tessera.team_members').where({ team_id: id }).orderBy('user_id').pluck('user_id')) as string[];
  return { ...team, members };
}

export interface TeamInput {
  readonly name?: string;
  readonly label?: string;
  readonly members?: readonly string[];
}

export function parseTeamInput(body: Record<string, unknown>, mode: 'create' | 'update'): TeamInput {
  const problems: Problem[] = [];
  for (const key of Object.keys(body)) if (!['name', 'label', 'members'].includes(key)) problems.push({ pointer: `/${key}`, detail: 'unknown property', code: 'UNKNOWN_FIELD' });
  if ('name' in body && (typeof body.name !== 'string' || !NAME.test(body.name))) problems.push({ pointer: '/name', detail: 'must be lower-case letters, digits and "_", starting with a letter', code: 'NAME_PATTERN' });
  if ('label' in body && (typeof body.label !== 'string' || !body.label.trim() || body.label.length > 200)) problems.push({ pointer: '/label', detail: 'must be 1–200 characters', code: 'MAXLENGTH', params: { limit: 200 } });
  if ('members' in body) {
    if (!Array.isArray(body.members)) problems.push({ pointer: '/members', detail: 'must be a list of user ids', code: 'TYPE' });
    else body.members.forEach((m, i) => typeof m === 'string' && isUuid(m) ? undefined : problems.push({ pointer: `/members/${i}`, detail: 'must be a user id', code: 'TYPE' }));
  }
  if (mode === 'create' && !('name' in body)) problems.push({ pointer: '/name', detail: 'is required', code: 'REQUIRED' });
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid team: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
  return body as TeamInput;
}

async function setMembers(trx: Knex.Transaction, teamId: string, members: readonly string[]): Promise<void> {
  const unique = [...new Set(members)];
  const known = new Set((await trx('tessera.users').whereIn('id', unique).pluck('id')) as string[]);
  const problems = members.flatMap((m, i) => (known.has(m) ? [] : [{ pointer: `/members/${i}`, detail: `no user with id ${m}`, code: 'REFERENCE_NOT_FOUND' }]));
  if (problems.length) throw new TesseraError('REFERENCE_NOT_FOUND', 'unknown team member(s)', { problems });
  await trx('tessera.team_members').where({ team_id: teamId }).delete();
  if (unique.length) await trx('tessera.team_members').insert(unique.map((user_id) => ({ team_id: teamId, user_id })));
}

function uniqueName(error: unknown): never {
  const pg = postgresError(error);
  if (pg.code === '23505') throw new TesseraError('UNIQUE_VIOLATION', 'another team has this name', { problems: [{ pointer: '/name', detail: 'must be unique', code: 'UNIQUE' }] });
  throw error;
}

export async function createTeam(knex: Knex, actor: AuditActor, input: TeamInput): Promise<TeamInfo> {
  return knex.transaction(async (trx) => {
    let id: string;
    try {
      const [row] = (await trx('tessera.teams').insert({ name: input.name, label: input.label ?? input.name }).returning('id')) as { id: string }[];
      id = row!.id;
    } catch (error) {
      uniqueName(error);
    }
    if (input.members) await setMembers(trx, id, input.members);
    const team = await getTeam(trx, id);
    await auditAdminChange(trx, actor, 'team', id, 'create', diff({}, team as unknown as Record<string, unknown>, ['name', 'label', 'members']));
    return team;
  });
}

export async function updateTeam(knex: Knex, actor: AuditActor, id: string, input: TeamInput): Promise<TeamInfo> {
  return knex.transaction(async (trx) => {
    const before = await getTeam(trx, id);
    const set: Record<string, unknown> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.label !== undefined) set.label = input.label;
    if (Object.keys(set).length) {
      try {
        await trx('tessera.teams').where({ id }).update({ ...set, updated_at: trx.fn.now() });
      } catch (error) {
        uniqueName(error);
      }
    }
    if (input.members) await setMembers(trx, id, input.members);
    const after = await getTeam(trx, id);
    const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, ['name', 'label', 'members']);
    if (Object.keys(changes).length) await auditAdminChange(trx, actor, 'team', id, 'update', changes);
    return after;
  });
}

export async function deleteTeam(knex: Knex, actor: AuditActor, id: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const before = await getTeam(trx, id);
    await trx('tessera.teams').where({ id }).delete();
    await auditAdminChange(trx, actor, 'team', id, 'delete', diff(before as unknown as Record<string, unknown>, {}, ['name', 'label', 'members']));
  });
}
