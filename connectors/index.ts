// The connectors of Tessera, one line each. Every process kind (server, worker, CLI) loads this list
// through its entry point, plus any module named in TESSERA_CONNECTOR_MODULES (docs/connectors.md).
import type { Connector } from '../engine/connectors/index.ts';
import { calendar } from './calendar/index.ts';
import { exchangeRates } from './exchange-rates/index.ts';
import { email } from './email/index.ts';
import { fiscal } from './fiscal/index.ts';
import { http } from './http/index.ts';
import { sms } from './sms/index.ts';
import { webhooks } from './webhooks/index.ts';

export const connectors: readonly Connector[] = [webhooks, http, email, sms, calendar, fiscal, exchangeRates];
