// `tessera workflows validate|deploy` as users run them: a child process, exit codes and messages.
import { fileURLToPath } from 'node:url';
import { encodedBpmnPath } from '../support/bpmn-encodings.ts';
import { tessera } from '../support/cli.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

const WORKFLOWS = fileURLToPath(new URL('../../workflows/', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/bpmn/${name}.bpmn`, import.meta.url));

let env: TestPlatform;
beforeAll(async () => {
  env = await startTestPlatform();
});
afterAll(async () => {
  await env?.close();
});

test('validate: a supported file exits 0 (with warnings for unknown task types), a refused one lists each element and exits 1', async () => {
  const ok = await tessera(['workflows', 'validate', fixture('send-task')]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('valid (sendTask)');
  expect(ok.stdout).toContain("warning: sendTask/notify: no handler is registered for task type 'send-email'");
  const refused = await tessera(['workflows', 'validate', fixture('refuse-script-task')]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('/elements/compute: bpmn:ScriptTask compute');
  expect((await tessera(['workflows', 'validate'])).code).toBe(2);
  // A file in the encoding its XML declaration names is read as such.
  const encoded = await tessera(['workflows', 'validate', fileURLToPath(encodedBpmnPath('windows-1250'))]);
  expect(encoded.stderr).toBe('');
  expect(encoded.stdout).toContain('valid (encodedWindows1250)');
});

test('deploy: a folder deploys each file; again, nothing changes', async () => {
  const db = { DATABASE_URL: env.platform.db.url };
  const first = await tessera(['workflows', 'deploy', WORKFLOWS], db);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('deployed deal-stage-follow-up version 1');
  expect(first.stdout).toContain('deployed task-reminder version 1');
  const again = await tessera(['workflows', 'deploy', `${WORKFLOWS}task-reminder.bpmn`], db);
  expect(again.stdout).toContain('unchanged task-reminder version 1');
  // Platform rights belong to the version: the same file with them is a new one.
  const platform = await tessera(['workflows', 'deploy', '--platform-rights', `${WORKFLOWS}task-reminder.bpmn`], db);
  expect(platform.stdout).toContain('deployed task-reminder version 2 (platform rights)');
  expect(await env.platform.knex('tessera.process_definitions').where({ process_id: 'task-reminder' }).orderBy('version').pluck('platform_rights')).toEqual([false, true]);
  const bad = await tessera(['workflows', 'deploy', fixture('refuse-link-event')], db);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('cannot be deployed');
}, 60_000);
