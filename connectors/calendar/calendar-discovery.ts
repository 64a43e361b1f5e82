// Calendar discovery (RFC 6764 and RFC 4791 §6.2, over tsdav): from a server URL and a login to the
// user's calendars — /.well-known/caldav, the current-user-principal, its calendar-home-set, the
// calendar collections there — so an account needs only the server, user name and password.
import { createAccount, fetchCalendars } from 'tsdav';

export interface DiscoveredCalendar {
  readonly url: string;
  readonly displayName: string;
  /** VEVENT, VTODO… the collection takes (empty: the server did not say). */
  readonly components: readonly string[];
}

export class CalendarDiscoveryError extends Error {
  readonly code = 'CALENDAR_DISCOVERY';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CalendarDiscoveryError';
  }
}

export async function discoverCalendars(options: { readonly serverUrl: string; readonly username: string; readonly password: string }): Promise<DiscoveredCalendar[]> {
  const headers = { authorization: `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}` };
  let calendars;
  try {
    const account = await createAccount({ account: { serverUrl: options.serverUrl, accountType: 'caldav', credentials: { username: options.username, password: options.password } }, headers, loadCollections: false, loadObjects: false });
    if (!account.homeUrl) throw new CalendarDiscoveryError(`no calendar home found at ${options.serverUrl}`);
    calendars = await fetchCalendars({ account, headers });
  } catch (error) {
    if (error instanceof CalendarDiscoveryError) throw error;
    throw new CalendarDiscoveryError(`calendar discovery at ${options.serverUrl} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return calendars.map((c) => ({ url: c.url, displayName: typeof c.displayName === 'string' ? c.displayName : '', components: c.components ?? [] }));
}

/** The calendar a sync uses when the account names none: the first that takes events. */
export function defaultCalendar(calendars: readonly DiscoveredCalendar[]): DiscoveredCalendar | null {
  return calendars.find((c) => c.components.length === 0 || c.components.includes('VEVENT')) ?? null;
}
