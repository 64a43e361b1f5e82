// The calendar connector (issue #14, docs/calendar.md): two-way CalDAV sync of each user's calendar
// account with their activities, and ICS feeds (per user, team, resource) behind secret tokens.
import type { Connector } from '../../engine/connectors/index.ts';
import { calendarAccountEntity } from './account.ts';
import { syncAllAccounts } from './account-sync.ts';
import { feedRoutes, publicFeedRoutes } from './feed-routes.ts';
import { assigneeRoutes, CAPACITY_DEFAULTS } from './assignee-routes.ts';
import { discoveryRoutes } from './discovery-routes.ts';
import { invitationRoutes } from './invitation-routes.ts';
import { occurrenceRoutes } from './occurrence-edit.ts';
import { meetingChanged, replyArrived } from './invitations.ts';

export { syncCalendarAccount, syncAllAccounts, businessZone } from './account-sync.ts';
export type { SyncReport } from './caldav-sync.ts';
export { readCalendarObject, writeCalendarObject, type CalendarFields, type CalendarObject } from './activity-ical.ts';
export { mergeFields } from './field-merge.ts';
export { discoverCalendars, type DiscoveredCalendar } from './calendar-discovery.ts';
export { invitationText, readReply, type PartStat } from './itip.ts';

export interface CalendarConnectorOptions {
  /** How often the accounts are synced (seconds, default 60; TESSERA_CALENDAR_POLL_SECONDS). */
  readonly pollSeconds?: number;
}

export function calendarConnector(options: CalendarConnectorOptions = {}): Connector {
  const pollSeconds = options.pollSeconds ?? (Number(process.env.TESSERA_CALENDAR_POLL_SECONDS) || 60);
  return {
    id: 'calendar',
    label: { pl: 'Kalendarz', en: 'Calendar', ro: 'Calendar' },
    description: {
      pl: 'Dwustronna synchronizacja CalDAV czynności z kalendarzami użytkowników i subskrypcje ICS.',
      en: 'Two-way CalDAV sync of activities with users’ calendars, and ICS subscription feeds.',
      ro: 'Sincronizare CalDAV bidirecțională a activităților cu calendarele utilizatorilor și fluxuri ICS.',
    },
    enabledByDefault: false,
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        capacityEntity: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 63, default: CAPACITY_DEFAULTS.entity, title: 'Available hours: entity', 'x-labels': { pl: 'Dostępne godziny: typ rekordu', en: 'Available hours: entity', ro: 'Ore disponibile: tip de înregistrare' } },
        capacityUserField: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 63, default: CAPACITY_DEFAULTS.userField, title: 'Available hours: user field', 'x-labels': { pl: 'Dostępne godziny: pole użytkownika', en: 'Available hours: user field', ro: 'Ore disponibile: câmpul utilizatorului' } },
        capacityHoursField: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 63, default: CAPACITY_DEFAULTS.hoursField, title: 'Available hours: hours field', 'x-labels': { pl: 'Dostępne godziny: pole godzin dziennie', en: 'Available hours: hours-a-day field', ro: 'Ore disponibile: câmpul orelor pe zi' } },
      },
    },
    metadata: { 'entities/calendar_account.json': calendarAccountEntity },
    pollers: [{ id: 'accounts', everySeconds: pollSeconds, run: (ctx) => syncAllAccounts(ctx, ctx.signal) }],
    routes: (router, ctx) => {
      feedRoutes(router, ctx);
      invitationRoutes(router, ctx);
      assigneeRoutes(router, ctx);
      discoveryRoutes(router, ctx);
      occurrenceRoutes(router, ctx);
    },
    publicRoutes: publicFeedRoutes,
    onRecordChange: meetingChanged,
    onEvent: replyArrived,
  };
}

export const calendar: Connector = calendarConnector();
