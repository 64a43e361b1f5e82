// E-mail on the contractor's timeline as a thread (issue #12), in Polish at 1440 and 390 px: two
// messages of one conversation are one entry; opening one shows its HTML in a sandboxed frame. The mail
// carries a <script> and a remote <img> aimed at a loopback "tracker" that counts every request: the
// tracker gets nothing, neither from the stored (sanitised) body nor from a body written straight into
// the database with the script and the image left in, which the frame alone must hold back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { email, EngineMailStore, parseMessage } from '../../connectors/email/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

let tracker: Server;
let hits: string[] = [];
let base = '';
let contractorId: string;
let replyId: string;

function htmlMail(messageId: string, subject: string, html: string, inReplyTo?: string): Buffer {
  return Buffer.from(
    [
      'From: Kasia <kasia@lozyska.example>',
      'To: biuro@firma.example',
      `Subject: ${subject}`,
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <${messageId}>`,
      ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`, `References: <${inReplyTo}>`] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      '',
    ].join('\r\n'),
  );
}

const b = browserSuite({ packageDir: SEED_METADATA_DIR, connectors: [email] }, async (b) => {
  await b.context.addInitScript(() => {
    try {
      localStorage.setItem('tessera.language', 'pl');
    } catch {
      // a sandboxed frame
    }
  });
  tracker = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
  const enabled = await b.api.put('/connectors/email/settings', { enabled: true, config: {} });
  if (enabled.status !== 200) throw new Error(JSON.stringify(enabled.body));
  contractorId = await createRecord(b, 'contractor', { name: 'Hurtownia Łożysk Sp. z o.o.', contractor_type: 'company', country: 'pl', email: 'kasia@lozyska.example' });
  const accountId = await createRecord(b, 'email_account', { name: 'Biuro', address: 'biuro@firma.example', account_type: 'personal', owner_user: b.server.adminId });
  const actor = await b.env.platform.connectors.context('email').actAs(b.server.adminId);
  const store = new EngineMailStore(b.env.platform.knex, b.env.platform.records, { accountId, accountAddress: 'biuro@firma.example', actor, team: null });
  const hostile = (tag: string) => `<p>Dzień dobry, ${tag}.</p><script>fetch('${base}/script-${tag}')</script><img src="${base}/pixel-${tag}.gif" alt="piksel"><img src="x" onerror="fetch('${base}/onerror-${tag}')">`;
  await store.saveMessage(await parseMessage(htmlMail('pytanie@lozyska.example', 'Termin dostawy', hostile('pytanie'))), { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 1 }, []);
  const reply = await store.saveMessage(await parseMessage(htmlMail('odpowiedz@lozyska.example', 'Re: Termin dostawy', hostile('odpowiedz'), 'pytanie@lozyska.example')), { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 2 }, []);
  replyId = reply.id;
});

afterAll(async () => {
  await new Promise((resolve) => tracker?.close(resolve));
});

for (const width of [1440, 390]) {
  test(`at ${width} px: the conversation is one thread entry; a message opens in a sandboxed frame, no script runs, no remote image loads until asked`, async () => {
    const { page } = b;
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    hits = [];
    await page.goto(`${b.url}/r/contractor/${contractorId}`);
    const timeline = page.getByRole('complementary', { name: 'Czynności' });
    const thread = timeline.locator('.mail-thread');
    await thread.getByText('wiadomości: 2').waitFor();
    expect(await thread.count()).toBe(1);
    const messages = thread.getByRole('list', { name: 'Wiadomości wątku' }).getByRole('listitem');
    expect(await messages.count()).toBe(2);
    await messages.first().getByRole('button').click();
    const frame = thread.locator('iframe.mail-body-frame');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect(page.frameLocator('.mail-thread iframe.mail-body-frame').getByText('Dzień dobry, odpowiedz.').textContent()).resolves.toContain('odpowiedz');
    await thread.getByText('Zablokowano obrazy zdalne: 1').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hits).toEqual([]);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(width);
    await b.screenshot(`email-thread-${width}`);
    // "Show images": the remote source is put back, the frame's own CSP allows it, and so does the
    // app's (which also governs srcdoc frames): the image really loads.
    await thread.getByRole('button', { name: 'Pokaż obrazy' }).click();
    await expect(page.frameLocator('.mail-thread iframe.mail-body-frame').getByRole('img', { name: 'piksel' }).getAttribute('src')).resolves.toBe(`${base}/pixel-odpowiedz.gif`);
    for (let i = 0; i < 50 && !hits.includes('/pixel-odpowiedz.gif'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hits).toContain('/pixel-odpowiedz.gif');
    expect(hits.filter((h) => h.includes('script') || h.includes('onerror'))).toEqual([]);
  });
}

test('a body with the script and the remote image left in (written past the sanitiser): the frame alone holds them back', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  hits = [];
  await b.env.platform.knex(b.env.platform.runtime.entity('activity').entity.table).where({ id: replyId }).update({
    html_body: `<p>Surowa treść</p><script>fetch('${base}/raw-script');document.body.dataset.pwned='1'</script><img src="${base}/raw-pixel.gif" alt="surowy"><img src="x" onerror="fetch('${base}/raw-onerror')">`,
  });
  await page.goto(`${b.url}/r/activity/${replyId}`);
  const frame = page.frameLocator('section[aria-label="Treść"] iframe.mail-body-frame');
  await frame.getByText('Surowa treść').waitFor();
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(hits).toEqual([]);
  expect(await frame.locator('body').getAttribute('data-pwned')).toBeNull();
});
