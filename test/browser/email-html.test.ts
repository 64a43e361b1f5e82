// A hostile HTML mail, parsed and sanitised by the e-mail connector, opened in Chromium: no script runs,
// nothing is loaded from elsewhere (every request to the "tracker" is counted), the mail's own cid:
// image shows. With remote images allowed the same page does hit the tracker, which proves the
// counter can see a load.
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { parseMessage, sanitiseHtml } from '../../connectors/email/index.ts';
import { chromiumPath } from './paths.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function hostileMail(origin: string): Buffer {
  const track = (what: string) => `${origin}/track/${what}`;
  const html = `<html><head><base href="${track('base')}/"><meta http-equiv="refresh" content="0;url=${track('refresh')}">
<link rel="stylesheet" href="${track('link')}"><style>@import url(${track('import')}); body { background: url(${track('css')}) }</style></head>
<body background="${track('body-bg')}" onload="window.pwned='onload'">
<script>window.pwned = 'script'; fetch('${track('script')}')</script>
<p id="greeting" style="color: #c00; background-image: url(${track('inline-style')})">Dzień dobry, oferta w załączniku.</p>
<img id="pixel" src="${track('pixel')}" width="1" height="1">
<img id="logo" src="cid:logo@firma" alt="logo">
<img src="x" onerror="window.pwned='onerror'">
<img srcset="${track('srcset')} 1x">
<svg onload="window.pwned='svg'"><image href="${track('svg-image')}"/></svg>
<video poster="${track('poster')}"></video><audio src="${track('audio')}"></audio>
<iframe src="${track('iframe')}"></iframe><iframe srcdoc="<script>parent.pwned='srcdoc'</script>"></iframe>
<object data="${track('object')}"></object><embed src="${track('embed')}">
<form action="${track('form')}"><input type="image" src="${track('input-image')}"><button id="submit">Wyślij</button></form>
<table background="${track('table-bg')}"><tr><td>komórka</td></tr></table>
<a id="js-link" href="javascript:window.pwned='link'">kliknij</a>
<noscript><p title="</noscript><img src=x onerror=window.pwned='mxss'>"></noscript>
<math><mi xlink:href="javascript:window.pwned='math'">m</mi></math>
<div style="width: expression(window.pwned='expression')">ie</div>
</body></html>`;
  return Buffer.from(
    [
      'From: Oszust <oszust@zly.example>',
      'To: biuro@firma.example',
      'Subject: Faktura',
      'Message-ID: <hostile@zly.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(html).toString('base64'),
      '--rel',
      'Content-Type: image/png',
      'Content-ID: <logo@firma>',
      'Content-Disposition: inline',
      'Content-Transfer-Encoding: base64',
      '',
      PNG.toString('base64'),
      '--rel--',
      '',
    ].join('\r\n'),
  );
}

describe('sanitised HTML mail in Chromium', () => {
  let server: Server;
  let origin = '';
  let browser: Browser;
  const tracked: string[] = [];
  let body = '';
  let inline = new Map<string, Buffer>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/track/')) {
        tracked.push(url);
        res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      } else if (url.startsWith('/inline/')) {
        const part = inline.get(decodeURIComponent(url.slice('/inline/'.length)));
        res.writeHead(part ? 200 : 404, { 'content-type': 'image/png' }).end(part ?? '');
      } else {
        // The app's page: the sanitised body inside the app's own document.
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(`<!doctype html><html><head><meta charset="utf-8"></head><body><article id="mail">${body}</article></body></html>`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: chromiumPath()!,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function open(allowRemoteImages: boolean) {
    const message = await parseMessage(hostileMail(origin));
    inline = new Map(message.attachments.filter((a) => a.contentId).map((a) => [a.contentId!, a.content]));
    const sanitised = sanitiseHtml(message.html!, { allowRemoteImages, resolveContentId: (id) => `/inline/${encodeURIComponent(id)}` });
    body = sanitised.html;
    tracked.length = 0;
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${origin}/mail`, { waitUntil: 'networkidle' });
    return { page, dialogs, sanitised };
  }

  it('runs nothing, loads nothing remote, shows the inline image', async () => {
    const { page, dialogs, sanitised } = await open(false);
    try {
      // ids are stripped by the sanitiser (no DOM clobbering), so elements are found by their text.
      await page.getByText('kliknij').click({ timeout: 5000 });
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (globalThis as { pwned?: string }).pwned ?? null)).toBeNull();
      expect(dialogs).toEqual([]);
      expect(page.url()).toBe(`${origin}/mail`);
      expect(tracked).toEqual([]);
      expect(sanitised.blockedRemoteContent).toBeGreaterThanOrEqual(2);
      expect(await page.locator('p', { hasText: 'Dzień dobry' }).textContent()).toBe('Dzień dobry, oferta w załączniku.');
      expect(await page.locator('p', { hasText: 'Dzień dobry' }).evaluate((el) => (globalThis as any).getComputedStyle(el).color)).toBe('rgb(204, 0, 0)');
      expect(await page.locator('img[alt="logo"]').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
      expect(await page.locator('img[data-blocked-src]').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#mail [id]').count()).toBe(0);
      expect(await page.locator('script, iframe, object, embed, form, input, svg, video, audio, style, link, base, meta[http-equiv]').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('loads remote images only when allowed, still running nothing', async () => {
    const { page } = await open(true);
    try {
      await page.waitForTimeout(300);
      expect(tracked).toEqual(['/track/pixel']);
      expect(await page.evaluate(() => (globalThis as { pwned?: string }).pwned ?? null)).toBeNull();
    } finally {
      await page.close();
    }
  });
});
