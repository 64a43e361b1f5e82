// The e-mail connector's own entity types, merged into the installation's model (docs/connectors.md,
// "Metadata a connector brings"): mail accounts and templates are data, edited in the generated forms.
// Passwords are `secret` fields: stored sealed, never returned by the API, read with ctx.revealSecret.
import { TEMPLATE_ENTITY } from '../message-templates.ts';

type Lang = { readonly en: string; readonly pl: string; readonly ro: string };
const l = (en: string, pl: string, ro: string): Lang => ({ en, pl, ro });

type FieldSpec = Readonly<Record<string, unknown>> & { readonly name: string; readonly type: string; readonly label: Lang };
const fields = (entity: string, list: readonly FieldSpec[]) => list.map((f) => ({ id: `email.${entity}.${f.name}`, ...f }));
const option = (entity: string, field: string, value: string, label: Lang) => ({ id: `email.${entity}.${field}.${value}`, value, label });

/** Passwords: sealed in their column, never returned by the API (read with ctx.revealSecret). */
export const PASSWORD_FIELD_TYPE = 'secret';

export const ACCOUNT_ENTITY = 'email_account';
export { TEMPLATE_ENTITY };

const account = {
  kind: 'entity',
  id: 'email.account',
  name: ACCOUNT_ENTITY,
  label: l('Mail account', 'Konto pocztowe', 'Cont de e-mail'),
  pluralLabel: l('Mail accounts', 'Konta pocztowe', 'Conturi de e-mail'),
  module: 'settings',
  icon: 'mail',
  displayField: 'name',
  fields: fields('account', [
    { name: 'name', type: 'string', required: true, maxLength: 150, searchable: true, label: l('Name', 'Nazwa', 'Denumire') },
    { name: 'address', type: 'email', required: true, label: l('Address', 'Adres', 'Adresă') },
    { name: 'sender_name', type: 'string', maxLength: 150, label: l('Sender name', 'Nazwa nadawcy', 'Numele expeditorului') },
    {
      name: 'account_type',
      type: 'enum',
      required: true,
      default: 'personal',
      label: l('Account type', 'Rodzaj konta', 'Tip de cont'),
      values: [
        option('account', 'account_type', 'personal', l('Personal', 'Osobiste', 'Personal')),
        option('account', 'account_type', 'shared', l('Shared', 'Wspólne', 'Partajat')),
      ],
    },
    { name: 'owner_user', type: 'reference', target: 'user', onDelete: 'setNull', label: l('Owner', 'Właściciel', 'Proprietar') },
    {
      name: 'run_as',
      type: 'reference',
      target: 'user',
      onDelete: 'setNull',
      label: l('Acts as (shared account)', 'Działa jako (konto wspólne)', 'Acționează ca (cont partajat)'),
      help: l(
        'The named identity the mail of a shared account is stored and sent with; the audit names it.',
        'Nazwana tożsamość, z którą zapisywana i wysyłana jest poczta konta wspólnego; widnieje w historii zmian.',
        'Identitatea numită cu care se stochează și se trimite poșta unui cont partajat; apare în istoric.',
      ),
    },
    {
      name: 'visibility',
      type: 'enum',
      required: true,
      default: 'owner',
      label: l('Mail visible to', 'Poczta widoczna dla', 'Poștă vizibilă pentru'),
      values: [
        option('account', 'visibility', 'owner', l('Owner', 'Właściciela', 'Proprietar')),
        option('account', 'visibility', 'team', l('Team', 'Zespołu', 'Echipă')),
        option('account', 'visibility', 'all', l('Everyone', 'Wszystkich', 'Toți')),
      ],
    },
    { name: 'team', type: 'reference', target: 'team', onDelete: 'setNull', label: l('Team', 'Zespół', 'Echipă') },
    { name: 'imap_host', type: 'string', maxLength: 253, label: l('IMAP server', 'Serwer IMAP', 'Server IMAP') },
    { name: 'imap_port', type: 'integer', minimum: 1, maximum: 65535, default: 993, label: l('IMAP port', 'Port IMAP', 'Port IMAP') },
    { name: 'imap_tls', type: 'boolean', default: true, label: l('IMAP over TLS', 'IMAP przez TLS', 'IMAP prin TLS') },
    { name: 'imap_user', type: 'string', maxLength: 320, label: l('IMAP user', 'Użytkownik IMAP', 'Utilizator IMAP') },
    { name: 'imap_password', type: PASSWORD_FIELD_TYPE, label: l('IMAP password', 'Hasło IMAP', 'Parolă IMAP') },
    { name: 'smtp_host', type: 'string', maxLength: 253, label: l('SMTP server', 'Serwer SMTP', 'Server SMTP') },
    { name: 'smtp_port', type: 'integer', minimum: 1, maximum: 65535, default: 465, label: l('SMTP port', 'Port SMTP', 'Port SMTP') },
    { name: 'smtp_tls', type: 'boolean', default: true, label: l('SMTP over TLS', 'SMTP przez TLS', 'SMTP prin TLS') },
    { name: 'smtp_user', type: 'string', maxLength: 320, label: l('SMTP user', 'Użytkownik SMTP', 'Utilizator SMTP') },
    { name: 'smtp_password', type: PASSWORD_FIELD_TYPE, label: l('SMTP password', 'Hasło SMTP', 'Parolă SMTP') },
    {
      name: 'folders',
      type: 'string',
      maxLength: 1000,
      default: 'INBOX, Sent',
      label: l('Folders to sync', 'Foldery do synchronizacji', 'Dosare de sincronizat'),
      help: l('Comma-separated; the first is watched (IDLE).', 'Oddzielone przecinkami; pierwszy jest obserwowany (IDLE).', 'Separate prin virgulă; primul este urmărit (IDLE).'),
    },
    { name: 'sent_folder', type: 'string', maxLength: 200, default: 'Sent', label: l('Sent folder', 'Folder wysłanych', 'Dosar trimise') },
    { name: 'window_days', type: 'integer', minimum: 1, maximum: 3650, default: 90, label: l('First sync (days back)', 'Pierwsza synchronizacja (dni wstecz)', 'Prima sincronizare (zile în urmă)') },
    { name: 'throttle_per_minute', type: 'integer', minimum: 1, maximum: 100000, default: 60, label: l('Send limit (messages/minute)', 'Limit wysyłki (wiadomości/minutę)', 'Limită de trimitere (mesaje/minut)') },
    { name: 'sync_enabled', type: 'boolean', default: true, label: l('Sync enabled', 'Synchronizacja włączona', 'Sincronizare activă') },
    { name: 'signature', type: 'text', label: l('Signature', 'Podpis', 'Semnătură') },
  ]),
};

const template = {
  kind: 'entity',
  id: 'email.template',
  name: TEMPLATE_ENTITY,
  label: l('E-mail template', 'Szablon e-mail', 'Șablon de e-mail'),
  pluralLabel: l('E-mail templates', 'Szablony e-mail', 'Șabloane de e-mail'),
  module: 'settings',
  icon: 'mail',
  displayField: 'name',
  fields: fields('template', [
    { name: 'name', type: 'string', required: true, maxLength: 150, searchable: true, label: l('Name', 'Nazwa', 'Denumire') },
    {
      name: 'code',
      type: 'string',
      required: true,
      maxLength: 100,
      indexed: true,
      label: l('Code', 'Kod', 'Cod'),
      help: l('Variants in other languages share the code.', 'Warianty w innych językach mają ten sam kod.', 'Variantele în alte limbi au același cod.'),
    },
    {
      name: 'language',
      type: 'enum',
      required: true,
      default: 'pl',
      label: l('Language', 'Język', 'Limbă'),
      values: [
        option('template', 'language', 'pl', l('Polish', 'polski', 'poloneză')),
        option('template', 'language', 'en', l('English', 'angielski', 'engleză')),
        option('template', 'language', 'ro', l('Romanian', 'rumuński', 'română')),
      ],
    },
    { name: 'entity', type: 'string', maxLength: 64, label: l('For records of', 'Dla rekordów typu', 'Pentru înregistrări de tip') },
    { name: 'subject', type: 'string', required: true, maxLength: 300, label: l('Subject', 'Temat', 'Subiect') },
    { name: 'body_html', type: 'text', label: l('Body (HTML)', 'Treść (HTML)', 'Conținut (HTML)') },
    { name: 'body_text', type: 'text', label: l('Body (text)', 'Treść (tekst)', 'Conținut (text)') },
    {
      name: 'body_sms',
      type: 'text',
      maxLength: 1600,
      label: l('SMS text', 'Treść SMS', 'Textul SMS'),
      help: l(
        'What an SMS from this template says (same placeholders as the e-mail); empty: the template is for e-mail only.',
        'Treść SMS-a z tego szablonu (te same znaczniki co w e-mailu); puste: szablon tylko dla e-maili.',
        'Ce spune un SMS trimis din acest șablon (aceleași marcaje ca în e-mail); gol: șablonul este doar pentru e-mail.',
      ),
    },
    { name: 'marketing', type: 'boolean', default: false, label: l('Marketing (needs consent)', 'Marketingowy (wymaga zgody)', 'Marketing (necesită acord)') },
  ]),
};

export const emailMetadata: Readonly<Record<string, unknown>> = {
  'entities/email_account.json': account,
  'entities/email_template.json': template,
};
