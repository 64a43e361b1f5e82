// Pure parts of the automation embedding: which Node-RED permission a Tessera user's rights give,
// which cookie-signed requests pass the cross-site check, and which entity types the stored flows
// listen to (their changes are kept for the flows even while the flows restart).
import { csrfSafe, editorPermissions } from '../../../engine/automation/editor-auth.ts';
import { listenedEntities } from '../../../engine/automation/events.ts';
import type { AdminRight } from '../../../engine/access/index.ts';

const holding = (...rights: AdminRight[]) => ({ can: (right: AdminRight) => rights.includes(right) });

test('administerAutomation opens the editor fully, viewAutomation read-only, other rights not at all', () => {
  expect(editorPermissions(holding('administerAutomation'))).toBe('*');
  expect(editorPermissions(holding('administerAutomation', 'viewAutomation'))).toBe('*');
  expect(editorPermissions(holding('viewAutomation'))).toBe('read');
  expect(editorPermissions(holding('administerConnectors', 'administerWorkflows', 'administerMetadata', 'administerUsers'))).toBeNull();
});

test('a cookie-signed change needs the editor’s own header or the session’s CSRF token', () => {
  expect(csrfSafe('GET', {}, 'secret')).toBe(true);
  expect(csrfSafe('POST', {}, 'secret')).toBe(false);
  expect(csrfSafe('POST', { 'node-red-api-version': 'v2' }, 'secret')).toBe(true);
  expect(csrfSafe('DELETE', { 'x-csrf-token': 'secret' }, 'secret')).toBe(true);
  expect(csrfSafe('PUT', { 'x-csrf-token': 'other!' }, 'secret')).toBe(false);
});

test('the entity types of the enabled tessera-event nodes of the stored flows', () => {
  const flows = [
    { id: 't', type: 'tab' },
    { id: 'a', type: 'tessera-event', entity: 'lead' },
    { id: 'b', type: 'tessera-event', entity: 'deal', d: true },
    { id: 'c', type: 'tessera-event', entity: '' },
    { id: 'd', type: 'tessera-create', entity: 'contractor' },
    { id: 'e', type: 'tessera-event', entity: 'lead' },
    null,
  ];
  expect([...listenedEntities(flows)]).toEqual(['lead']);
});
