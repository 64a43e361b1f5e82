// The connector actions the Node-RED send nodes call (docs/automation.md): their checks before
// anything is queued. The queueing itself runs against a platform in
// test/integration/automation-connectors.test.ts.
import type { Actor, ConnectorContext } from '../../../engine/connectors/index.ts';
import { fiscalPrintAction } from '../../../connectors/fiscal/flow-action.ts';
import { smsActionProblems } from '../../../connectors/sms/flow-action.ts';

test('printing a receipt needs the right to update sales: refused before the settings are read', async () => {
  let settingsRead = false;
  const ctx = { settings: async () => ((settingsRead = true), { enabled: true, config: {} }) } as unknown as ConnectorContext;
  const rights = (update: readonly string[]) => ({ unrestricted: false, entity: () => ({ read: ['all'], create: false, update, delete: [] }) }) as unknown as NonNullable<Actor['access']>;
  const reader: Actor = { userId: 'u1', via: 'automation', access: rights([]) };
  await expect(fiscalPrintAction.run({ sale: 's1' }, ctx, { actor: reader, idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  expect(settingsRead).toBe(false);
  // With the right, it goes on to the settings (no printer here: a VALIDATION_FAILED on /printer).
  const seller: Actor = { userId: 'u2', via: 'automation', access: rights(['own']) };
  await expect(fiscalPrintAction.run({ sale: 's1' }, { ...ctx, settings: async () => ({ enabled: true, config: {} }) } as unknown as ConnectorContext, { actor: seller, idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ pointer: '/printer' }] });
});

test('an SMS request names each bad value by its pointer', () => {
  expect(smsActionProblems({ to: '600100200', text: 'Hi' })).toEqual([]);
  expect(smsActionProblems({ record: { entity: 'person', id: 'p1' }, template: 'ready' })).toEqual([]);
  expect(smsActionProblems({ text: 5, purpose: 'spam', record: 'p1' }).map((p) => p.pointer)).toEqual(['/text', '/record', '/purpose']);
  expect(smsActionProblems({ text: 'no one' }).map((p) => p.pointer)).toEqual(['/to']);
});
