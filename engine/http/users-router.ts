// /api/users, /api/teams, /api/roles — administration of who may sign in and what they may do.
// Reading the directory (names, for pickers and "assigned to") is open to every signed-in user;
// changes and the full user details need the administerUsers right. Roles are metadata: they are
// declared in the package and changed with PUT /api/meta; /api/roles lists them.
import { Router, type Request, type Response } from 'express';
import { adminHistory, createTeam, createUser, deleteTeam, getTeam, getUser, listTeams, listUsers, parseTeamInput, parseUserInput, resetPassword, updateTeam, updateUser, type UserInfo } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { hasRight, requireRight } from './authenticate.ts';
import { requireJsonObject } from './params.ts';

function adminActor(res: Response) {
  const actor = res.locals.actor!;
  return { userId: actor.userId, via: actor.via, isAdmin: actor.access?.subject?.admin ?? false };
}

const idOf = (req: Request) => String(req.params.id);

/** What any signed-in user may know about another. */
const directoryEntry = (u: UserInfo) => ({ id: u.id, login: u.login, displayName: u.displayName, active: u.active });

export function usersRouter(platform: Platform): Router {
  const router = Router();
  const { knex } = platform;
  const declaredRoles = () => new Set(platform.runtime.loaded ? platform.runtime.snapshot.model.roles.map((r) => r.name) : []);

  router.get('/users', async (_req, res) => {
    const users = await listUsers(knex);
    res.json({ data: hasRight(res, 'administerUsers') ? users : users.map(directoryEntry) });
  });

  router.get('/users/:id', async (req, res) => {
    const user = await getUser(knex, idOf(req));
    res.json(hasRight(res, 'administerUsers') || user.id === res.locals.actor?.userId ? user : directoryEntry(user));
  });

  router.post('/users', requireRight('administerUsers'), async (req, res) => {
    const input = parseUserInput(requireJsonObject(req), 'create', declaredRoles());
    const user = await createUser(knex, adminActor(res), input);
    res.status(201).location(`${req.baseUrl}/users/${user.id}`).json(user);
  });

  router.patch('/users/:id', requireRight('administerUsers'), async (req, res) => {
    const input = parseUserInput(requireJsonObject(req), 'update', declaredRoles());
    res.json(await updateUser(knex, adminActor(res), idOf(req), input));
  });

  // A new temporary password, shown once to the administrator who hands it over (no e-mail connector yet).
  router.post('/users/:id/reset-password', requireRight('administerUsers'), async (req, res) => {
    res.json(await resetPassword(knex, adminActor(res), idOf(req)));
  });

  router.get('/users/:id/history', requireRight('administerUsers'), async (req, res) => {
    await getUser(knex, idOf(req));
    res.json({ data: await adminHistory(knex, 'user', idOf(req)) });
  });

  router.get('/teams', async (_req, res) => {
    res.json({ data: await listTeams(knex) });
  });

  router.get('/teams/:id', async (req, res) => {
    res.json(await getTeam(knex, idOf(req)));
  });

  router.post('/teams', requireRight('administerUsers'), async (req, res) => {
    const team = await createTeam(knex, adminActor(res), parseTeamInput(requireJsonObject(req), 'create'));
    res.status(201).location(`${req.baseUrl}/teams/${team.id}`).json(team);
  });

  router.patch('/teams/:id', requireRight('administerUsers'), async (req, res) => {
    res.json(await updateTeam(knex, adminActor(res), idOf(req), parseTeamInput(requireJsonObject(req), 'update')));
  });

  router.delete('/teams/:id', requireRight('administerUsers'), async (req, res) => {
    await deleteTeam(knex, adminActor(res), idOf(req));
    res.status(204).end();
  });

  router.get('/teams/:id/history', requireRight('administerUsers'), async (req, res) => {
    await getTeam(knex, idOf(req));
    res.json({ data: await adminHistory(knex, 'team', idOf(req)) });
  });

  router.get('/roles', (_req, res) => {
    if (!platform.runtime.loaded) throw new TesseraError('NOT_FOUND', 'no metadata has been applied yet');
    res.json({
      data: platform.runtime.snapshot.model.roles.map((r) => ({
        name: r.name,
        label: r.label,
        administerMetadata: r.administerMetadata ?? false,
        administerWorkflows: r.administerWorkflows ?? false,
        administerUsers: r.administerUsers ?? false,
        administerConnectors: r.administerConnectors ?? false,
        administerAutomation: r.administerAutomation ?? false,
        viewAutomation: r.viewAutomation ?? false,
        permissions: r.permissions ?? [],
      })),
    });
  });

  return router;
}
