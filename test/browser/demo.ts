// The shipped CRM's demo data in a browser suite's database, as `tessera seed --demo` loads it;
// the records it gives the administrator go to the test administrator.
import { loadDemoData } from '../../engine/seeding.ts';
import { demoRecords } from '../../seed/index.ts';
import type { BrowserEnv } from './support.ts';

export async function loadDemo(b: BrowserEnv): Promise<void> {
  const me = (await b.api.get('/auth/me')).body.user.id as string;
  const records = JSON.stringify(demoRecords(new Date().toISOString().slice(0, 10))).replaceAll('{"$user":"admin"}', JSON.stringify(me));
  await loadDemoData(b.env.platform, '', JSON.parse(records));
}
