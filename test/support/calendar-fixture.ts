// A platform with the calendar connector, the crm-mini package made calendar-ready (business zone
// Europe/Warsaw, meetings with location and reminder, persons with e-mail, a role with own
// activities), and a salesperson whose calendar account points at a real Radicale calendar.
import { calendarConnector } from '../../connectors/calendar/index.ts';
import type { Actor } from '../../engine/connectors/index.ts';
import { createTestUser } from './auth.ts';
import { startTestPlatform, type TestPlatform } from './database.ts';
import { crmMiniPackage } from './packages.ts';
import type { Radicale, RadicaleUser } from './radicale.ts';

export const SYSTEM: { actor: Actor } = { actor: { userId: null, via: 'system' } };

const l = (en: string) => ({ en, pl: en, ro: en });

export const CALENDAR_PACKAGE_EXTRA = {
  'tessera.json': { kind: 'manifest', name: 'crm-mini', version: '1.0.0', defaultCurrency: 'PLN', currencies: ['PLN', 'EUR', 'RON'], timeZone: 'Europe/Warsaw' },
  'activity-kinds/meeting.json': {
    kind: 'activityKind',
    id: 't.ak.meeting',
    name: 'meeting',
    label: l('Meeting'),
    calendar: true,
    fields: [
      { id: 't.ak.location', name: 'location', type: 'string', maxLength: 200, label: l('Location') },
      {
        id: 't.ak.reminder',
        name: 'reminder',
        type: 'enum',
        label: l('Reminder'),
        values: ['at_deadline', 'one_day_before', 'two_days_before', 'three_days_before'].map((value) => ({ id: `t.ak.reminder.${value}`, value, label: l(value) })),
      },
    ],
  },
  'entities/person.json': {
    kind: 'entity',
    id: 't.person',
    name: 'person',
    label: l('Person'),
    activities: true,
    displayField: 'last_name',
    fields: [
      { id: 't.person.first_name', name: 'first_name', type: 'string', maxLength: 100, required: true, label: l('First name') },
      { id: 't.person.last_name', name: 'last_name', type: 'string', maxLength: 100, required: true, label: l('Last name') },
      { id: 't.person.contractor', name: 'contractor', type: 'reference', target: 'contractor', onDelete: 'cascade', label: l('Contractor') },
      { id: 't.person.phone', name: 'phone', type: 'phone', label: l('Phone') },
      { id: 't.person.email', name: 'email', type: 'email', label: l('E-mail') },
    ],
  },
  'entities/resource.json': {
    kind: 'entity',
    id: 't.resource',
    name: 'resource',
    label: l('Resource'),
    displayField: 'name',
    fields: [{ id: 't.resource.name', name: 'name', type: 'string', maxLength: 100, required: true, label: l('Name') }],
  },
  'entities/reservation.json': {
    kind: 'entity',
    id: 't.reservation',
    name: 'reservation',
    label: l('Reservation'),
    displayField: 'title',
    fields: [
      { id: 't.reservation.title', name: 'title', type: 'string', maxLength: 200, required: true, label: l('Title') },
      { id: 't.reservation.starts_at', name: 'starts_at', type: 'datetime', required: true, label: l('Starts') },
      { id: 't.reservation.ends_at', name: 'ends_at', type: 'datetime', required: true, label: l('Ends') },
      { id: 't.reservation.resources', name: 'resources', type: 'manyToMany', target: 'resource', label: l('Resources') },
      { id: 't.reservation.status', name: 'status', type: 'enum', values: ['booked', 'cancelled'].map((value) => ({ id: `t.reservation.status.${value}`, value, label: l(value) })), label: l('Status') },
    ],
  },
  'roles/calendar_user.json': {
    kind: 'role',
    id: 't.role.calendar_user',
    name: 'calendar_user',
    label: l('Calendar user'),
    permissions: [
      { entity: 'activity', read: 'own', create: true, update: 'own', delete: 'own' },
      { entity: 'person', read: 'all' },
      { entity: 'resource', read: 'all' },
      { entity: 'reservation', read: 'all' },
      { entity: 'calendar_account', read: 'own', create: true, update: 'own', delete: 'own' },
    ],
  },
};

export interface CalendarEnv {
  readonly env: TestPlatform;
  readonly userId: string;
  readonly actor: Actor;
}

export async function startCalendarPlatform(options: { listen?: boolean } = {}): Promise<CalendarEnv> {
  const env = await startTestPlatform({ connectors: [calendarConnector({ pollSeconds: 5 })], ...(options.listen ? { listen: true } : {}) });
  await env.platform.applyMetadata(await crmMiniPackage(CALENDAR_PACKAGE_EXTRA), { source: 'cli' });
  await env.platform.connectors.settings.write('calendar', undefined, { enabled: true }, { userId: null, via: 'system' });
  const userId = await createTestUser(env.platform, { login: 'alice', roles: ['calendar_user'] });
  const actor = await env.platform.connectors.context('calendar').actAs(userId);
  return { env, userId, actor };
}

/** Another CRM user with the calendar role (each account syncs all of its user's activities). */
export async function calendarUser(c: CalendarEnv, login: string): Promise<CalendarEnv> {
  const userId = await createTestUser(c.env.platform, { login, roles: ['calendar_user'] });
  return { env: c.env, userId, actor: await c.env.platform.connectors.context('calendar').actAs(userId) };
}

/** A calendar account of the CRM user on a new calendar of the Radicale user. */
export async function calendarAccount(c: CalendarEnv, radicale: Radicale, user: RadicaleUser, calendarName: string, extra: Record<string, unknown> = {}): Promise<{ id: string; calendarUrl: string }> {
  const calendarUrl = await radicale.makeCalendar(user, calendarName);
  const made = await c.env.platform.records.create({ actor: c.actor }, 'calendar_account', {
    name: calendarName,
    calendar_user: c.userId,
    server_url: radicale.url,
    username: user.user,
    password: user.password,
    calendar_url: calendarUrl,
    ...extra,
  });
  return { id: String(made.id), calendarUrl };
}
