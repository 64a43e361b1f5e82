// A connector that brings an entity type with a secret field (a mail account and its password), for
// the tests of connector metadata, secret fields and key rotation; loadable as a connector module
// (TESSERA_CONNECTOR_MODULES) by the CLI.
import type { Connector } from '../../engine/connectors/platform-api.ts';

const field = (name: string, type: string, label: { en: string; pl: string; ro: string }, extra: object = {}) => ({ id: `vault.account.${name}`, name, type, label, ...extra });

export const vaultConnector: Connector = {
  id: 'vault',
  label: { pl: 'Sejf', en: 'Vault', ro: 'Seif' },
  configSchema: { type: 'object', properties: { apiKey: { type: 'string', writeOnly: true, title: 'API key' } } },
  metadata: {
    'entities/account.json': {
      kind: 'entity',
      id: 'vault.account',
      name: 'vault_account',
      label: { en: 'Mail account', pl: 'Konto pocztowe', ro: 'Cont de e-mail' },
      displayField: 'login',
      fields: [
        field('login', 'string', { en: 'Login', pl: 'Login', ro: 'Utilizator' }, { maxLength: 100, required: true }),
        field('password', 'secret', { en: 'Password', pl: 'Hasło', ro: 'Parolă' }),
        field('token', 'secret', { en: 'API token', pl: 'Token API', ro: 'Token API' }, { maxLength: 200 }),
      ],
    },
  },
};

export const connectors = [vaultConnector];
