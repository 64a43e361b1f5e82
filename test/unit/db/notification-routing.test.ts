// Which connection listens to what, read from the statements passing through the embedded database's
// wire server, and NotificationResponse messages taken out of a reply.
import { listenChanges, takeNotifications } from '../../../engine/db/notification-routing.ts';

function frame(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const query = (sql: string) => frame('Q', Buffer.from(`${sql}\0`));
const parse = (sql: string) => frame('P', Buffer.from(`\0${sql}\0\0\0`));
const notification = (channel: string, payload: string) => {
  const pid = Buffer.alloc(4);
  pid.writeInt32BE(42, 0);
  return frame('A', Buffer.concat([pid, Buffer.from(`${channel}\0${payload}\0`)]));
};
const commandComplete = frame('C', Buffer.from('SELECT 1\0'));
const ready = frame('Z', Buffer.from('I'));

test('LISTEN and UNLISTEN statements, in simple queries and Parse messages; unquoted names fold to lower case', () => {
  expect(listenChanges(query('LISTEN tessera_meta'))).toEqual([{ channel: 'tessera_meta', listen: true }]);
  expect(listenChanges(query('listen "Mixed""Case"'))).toEqual([{ channel: 'Mixed"Case', listen: true }]);
  expect(listenChanges(query('LISTEN A; SELECT 1;  unlisten b ; UNLISTEN *'))).toEqual([
    { channel: 'a', listen: true },
    { channel: 'b', listen: false },
    { channel: '*', listen: false },
  ]);
  expect(listenChanges(parse('LISTEN jobs'))).toEqual([{ channel: 'jobs', listen: true }]);
});

test('statements that only mention the word, and other messages, change nothing', () => {
  expect(listenChanges(query(`SELECT 'LISTEN x'`))).toEqual([]);
  expect(listenChanges(query('SELECT * FROM listen_log'))).toEqual([]);
  expect(listenChanges(frame('B', Buffer.from('LISTEN x\0')))).toEqual([]);
});

test('notifications are taken out of a reply, except on channels the replying connection listens to', () => {
  const reply = Buffer.concat([commandComplete, notification('auth', 'x'), notification('mine', 'y'), ready]);
  const { rest, notifications } = takeNotifications(reply, (channel) => channel === 'mine');
  expect(notifications.map((n) => n.channel)).toEqual(['auth', 'mine']);
  expect(notifications[0]!.message).toEqual(notification('auth', 'x'));
  expect(rest).toEqual(Buffer.concat([commandComplete, notification('mine', 'y'), ready]));
  const plain = Buffer.concat([commandComplete, ready]);
  expect(takeNotifications(plain, () => false)).toEqual({ rest: plain, notifications: [] });
});
