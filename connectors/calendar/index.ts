// The calendar connector (issue #14, docs/calendar.md): two-way CalDAV sync of each user's calendar
// account with their activities, and ICS feeds (per user, team, resource) behind secret tokens.
import type { Connector } from '../../engine/connectors/index.ts';
import { calendarAccountEntity } from './account.ts';
import { syncAllAccounts } from './account-sync.ts';
import { feedRoutes, publicFeedRoutes } from './feed-routes.ts';
import { invitationRoutes } from './invitation-routes.ts';
import { meetingChanged, replyArrived } from './invitations.ts';

export { syncCalendarAccount, syncAllAccounts, businessZone } from './account-sync.ts';
export type { SyncReport } from './caldav-sync.ts';
export { readCalendarObject, writeCalendarObject, type CalendarFields, type CalendarObject } from './activity-ical.ts';
export { mergeFields } from './field-merge.ts';
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
    metadata: { 'entities/calendar_account.json': calendarAccountEntity },
    pollers: [{ id: 'accounts', everySeconds: pollSeconds, run: (ctx) => syncAllAccounts(ctx, ctx.signal) }],
    routes: (router, ctx) => {
      feedRoutes(router, ctx);
      invitationRoutes(router, ctx);
    },
    publicRoutes: publicFeedRoutes,
    onRecordChange: meetingChanged,
    onEvent: replyArrived,
  };
}

export const calendar: Connector = calendarConnector();
