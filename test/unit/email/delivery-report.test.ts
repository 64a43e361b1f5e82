// Delivery status notifications (RFC 3464) read from a parsed bounce: the per-recipient blocks with
// folded Diagnostic-Code lines, the SMTP code, and the original Message-ID from the returned headers.
import { parseMessage } from '../../../connectors/email/message-parse.ts';
import { recipientsOf, returnedMessageId } from '../../../connectors/email/delivery-report.ts';
import { deliveryStatusNotification as dsn } from '../../support/mail-fixtures.ts';


test('a bounce is read: failed recipient, enhanced status, folded diagnostic and its SMTP code, the original Message-ID', async () => {
  for (const returned of ['headers', 'message'] as const) {
    const message = await parseMessage(dsn({ original: 'abc@firma.example', returned, recipients: [{ address: 'Nikt@Lozyska.example', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <nikt@lozyska.example>: Recipient address rejected: User unknown' }] }));
    expect(message.deliveryReport).toEqual({
      originalMessageId: 'abc@firma.example',
      recipients: [{ address: 'nikt@lozyska.example', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <nikt@lozyska.example>: Recipient address rejected: User unknown', smtpCode: 550 }],
    });
  }
});

test('ordinary mail and other reports have no delivery report; several recipients each get their block', async () => {
  const plain = await parseMessage(Buffer.from('From: a@b.example\r\nTo: c@d.example\r\nSubject: Final-Recipient: x\r\nMessage-ID: <p@b.example>\r\n\r\nFinal-Recipient: rfc822; x@y.example\r\nAction: failed\r\n'));
  expect(plain.deliveryReport).toBeNull();
  expect(recipientsOf('Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822;a@x.example\nAction: delayed\nStatus: 4.4.1\n\nFinal-Recipient: rfc822; <b@x.example>\nAction: failed\nStatus: 5.2.2 (mailbox full)\nDiagnostic-Code: smtp; 552 Mailbox full\n')).toEqual([
    { address: 'a@x.example', action: 'delayed', status: '4.4.1', diagnostic: '', smtpCode: null },
    { address: 'b@x.example', action: 'failed', status: '5.2.2', diagnostic: '552 Mailbox full', smtpCode: 552 },
  ]);
  expect(returnedMessageId('Subject: x\r\nMessage-ID:\r\n <folded@x.example>\r\n\r\nMessage-ID: <body@x.example>')).toBe('folded@x.example');
  expect(returnedMessageId('Subject: x\r\n')).toBeNull();
});
