// The calendar account: one user's CalDAV calendar the sync keeps in step with their activities. An
// entity type the connector brings (docs/connectors.md#metadata-a-connector-brings), so accounts are
// records with rights, audit and the generated form; the password is a secret field the API never
// returns (the connector reads it with ctx.revealSecret).
export const ACCOUNT_ENTITY = 'calendar_account';

const l = (en: string, pl: string, ro: string) => ({ en, pl, ro });

export const calendarAccountEntity = {
  kind: 'entity',
  id: 'calendar.account',
  name: ACCOUNT_ENTITY,
  label: l('Calendar account', 'Konto kalendarza', 'Cont de calendar'),
  pluralLabel: l('Calendar accounts', 'Konta kalendarzy', 'Conturi de calendar'),
  displayField: 'name',
  fields: [
    { id: 'calendar.account.name', name: 'name', type: 'string', maxLength: 120, required: true, label: l('Name', 'Nazwa', 'Nume') },
    { id: 'calendar.account.calendar_user', name: 'calendar_user', type: 'reference', target: 'user', required: true, onDelete: 'cascade', label: l('User', 'Użytkownik', 'Utilizator') },
    { id: 'calendar.account.server_url', name: 'server_url', type: 'url', required: true, label: l('CalDAV server', 'Serwer CalDAV', 'Server CalDAV') },
    { id: 'calendar.account.username', name: 'username', type: 'string', maxLength: 200, required: true, label: l('User name', 'Nazwa użytkownika', 'Nume de utilizator') },
    { id: 'calendar.account.password', name: 'password', type: 'secret', label: l('Password', 'Hasło', 'Parolă') },
    { id: 'calendar.account.calendar_url', name: 'calendar_url', type: 'url', label: l('Calendar URL', 'Adres kalendarza', 'Adresa calendarului') },
    {
      id: 'calendar.account.outgoing_kinds',
      name: 'outgoing_kinds',
      type: 'string',
      maxLength: 300,
      default: 'meeting,call,task,planned_contact',
      label: l('Activity kinds sent (comma-separated)', 'Wysyłane rodzaje czynności (po przecinku)', 'Tipuri de activități trimise (separate prin virgulă)'),
    },
    {
      id: 'calendar.account.tasks_as',
      name: 'tasks_as',
      type: 'enum',
      required: true,
      default: 'vtodo',
      label: l('Tasks as', 'Zadania jako', 'Sarcini ca'),
      values: [
        { id: 'calendar.account.tasks_as.vtodo', value: 'vtodo', label: l('To-dos (VTODO)', 'Zadania (VTODO)', 'Sarcini (VTODO)') },
        { id: 'calendar.account.tasks_as.vevent', value: 'vevent', label: l('Events (VEVENT)', 'Wydarzenia (VEVENT)', 'Evenimente (VEVENT)') },
      ],
    },
    {
      id: 'calendar.account.incoming_kind',
      name: 'incoming_kind',
      type: 'string',
      maxLength: 64,
      default: 'meeting',
      label: l('Kind of events created in the calendar', 'Rodzaj wydarzeń utworzonych w kalendarzu', 'Tipul evenimentelor create în calendar'),
    },
    { id: 'calendar.account.active', name: 'active', type: 'boolean', default: true, label: l('Synchronise', 'Synchronizuj', 'Sincronizează') },
  ],
} as const;

/** A calendar account as the sync uses it. */
export interface CalendarAccount {
  readonly id: string;
  readonly owner: string;
  readonly serverUrl: string;
  readonly username: string;
  readonly calendarUrl: string;
  readonly outgoingKinds: readonly string[];
  readonly tasksAs: 'vtodo' | 'vevent';
  readonly incomingKind: string;
}

/** Kinds carried as to-dos when the account says so (the rest are events). */
export const TASK_KINDS: ReadonlySet<string> = new Set(['task']);

export function accountOf(row: Readonly<Record<string, unknown>>): CalendarAccount {
  const kinds = String(row.outgoing_kinds ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return {
    id: String(row.id),
    owner: String(row.calendar_user),
    serverUrl: String(row.server_url),
    username: String(row.username),
    // Empty: found by discovery from the server URL on the first sync (calendar-discovery.ts).
    calendarUrl: typeof row.calendar_url === 'string' ? row.calendar_url : '',
    outgoingKinds: kinds,
    tasksAs: row.tasks_as === 'vevent' ? 'vevent' : 'vtodo',
    incomingKind: String(row.incoming_kind ?? 'meeting') || 'meeting',
  };
}
