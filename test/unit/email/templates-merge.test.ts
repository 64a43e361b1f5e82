// E-mail templates (logic-less, escaping, strict, no prototype access) and the mail-merge plan
// (address, consent, unsubscribed, duplicates, links, List-Unsubscribe), and unsubscribe tokens.
import { templateRoots } from '../../../connectors/email/template-render.ts';
import { compileTemplate, planMerge, renderMail, renderTemplate, TemplateProblem, unsubscribeAddress, unsubscribeToken } from '../../../connectors/email/index.ts';

describe('templates', () => {
  const data = { first_name: 'Zoë', company: { name: 'Łożyska <i>&</i> Co' }, items: [{ name: 'A' }, { name: 'B' }], vip: true, empty: '', price: { amount: '12.50', currency: 'PLN' } };

  test('values are inserted, HTML-escaped in HTML bodies and as written in text', () => {
    expect(renderTemplate('Dzień dobry {{first_name}} z {{ company.name }}', data, { html: false })).toBe('Dzień dobry Zoë z Łożyska <i>&</i> Co');
    expect(renderTemplate('<p>{{company.name}}</p>', data, { html: true })).toBe('<p>Łożyska &#60;i&#62;&#38;&#60;/i&#62; Co</p>');
    expect(renderTemplate('{{price}}', data, { html: false })).toBe('12.50 PLN');
  });

  test('sections show when truthy, repeat over lists, inverted sections when falsy', () => {
    expect(renderTemplate('{{#vip}}VIP {{/vip}}{{^empty}}brak{{/empty}}', data, { html: false })).toBe('VIP brak');
    expect(renderTemplate('{{#items}}[{{name}}]{{/items}}', data, { html: false })).toBe('[A][B]');
    // Names not found in the item are looked up outwards.
    expect(renderTemplate('{{#items}}{{name}}:{{first_name}} {{/items}}', data, { html: false })).toBe('A:Zoë B:Zoë ');
  });

  test('strict: an unknown name is an error with its position, never an empty hole', () => {
    const error = (() => {
      try {
        renderTemplate('Witaj {{frist_name}}', data, { html: false });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TemplateProblem);
    expect(error).toMatchObject({ code: 'TEMPLATE_UNKNOWN_FIELD', offset: 6, placeholder: 'frist_name' });
  });

  test('no prototype, constructor or function is reachable', () => {
    expect(() => compileTemplate('{{constructor}}')).toThrow(TemplateProblem);
    expect(() => compileTemplate('{{a.__proto__.polluted}}')).toThrow(TemplateProblem);
    expect(() => renderTemplate('{{toString}}', {}, { html: false })).toThrow(/no "toString"/);
    expect(() => renderTemplate('{{company.hasOwnProperty}}', data, { html: false })).toThrow(TemplateProblem);
    class Hidden {
      secret = 'x';
    }
    expect(() => renderTemplate('{{h.secret}}', { h: new Hidden() }, { html: false })).toThrow(TemplateProblem);
  });

  test('syntax errors: unclosed and mismatched sections, stray braces', () => {
    expect(() => compileTemplate('{{#a}}x')).toThrow(/never closed/);
    expect(() => compileTemplate('{{#a}}x{{/b}}')).toThrow(/closes/);
    expect(() => compileTemplate('Witaj {{imie}')).toThrow(/unbalanced/);
    expect(() => compileTemplate('{{a b}}')).toThrow(/not a field path/);
  });

  test('a mail: one-line subject, text derived from HTML when there is no text body', () => {
    const mail = renderMail({ subject: 'Oferta\r\ndla {{first_name}}', bodyHtml: '<p>Dla {{first_name}} &amp; spółki</p>', bodyText: null }, data);
    expect(mail).toEqual({ subject: 'Oferta dla Zoë', html: '<p>Dla Zoë &amp; spółki</p>', text: 'Dla Zoë &amp; spółki' });
  });
});

describe('mail merge plan', () => {
  const plan = (records: Record<string, unknown>[], options: { marketing?: boolean; unsubscribed?: string[] } = {}) =>
    planMerge({
      account: { id: 'acc', address: 'biuro@firma.example' },
      userId: 'u1',
      template: { subject: 'Dla {{first_name}}', bodyHtml: '<p>{{first_name}} <a href="{{unsubscribe_url}}">x</a></p>', bodyText: null, marketing: options.marketing ?? true },
      entity: 'person',
      records,
      emailField: 'email',
      consentField: 'marketing_consent',
      unsubscribed: new Set(options.unsubscribed ?? []),
      unsubscribeUrl: (address) => `https://crm.example/u?t=${address}`,
      linkFields: new Set(['person', 'contractor']),
      mergeId: 'm1',
    });

  test('each recipient is sent, or skipped with its reason', () => {
    const result = plan(
      [
        { id: '1', first_name: 'Ala', email: 'Ala@Klient.example', marketing_consent: true, contractor: 'c1' },
        { id: '2', first_name: 'Bob', email: 'bob@klient.example', marketing_consent: false },
        { id: '3', first_name: 'Cyd', email: null, marketing_consent: true },
        { id: '4', first_name: 'Dan', email: 'dan@klient.example', marketing_consent: true },
        { id: '5', first_name: 'Ala2', email: 'ala@klient.example', marketing_consent: true },
        { id: '6', email: 'ewa@klient.example', marketing_consent: true },
      ],
      { unsubscribed: ['dan@klient.example'] },
    );
    expect(result.map((r) => [r.recordId, r.skipped])).toEqual([
      ['1', null],
      ['2', 'no_consent'],
      ['3', 'no_address'],
      ['4', 'unsubscribed'],
      ['5', 'duplicate'],
      ['6', 'template_error'],
    ]);
    const first = result[0]!.payload!;
    expect(first).toMatchObject({ account: 'acc', to: [{ address: 'ala@klient.example' }], subject: 'Dla Ala', links: { person: '1', contractor: 'c1' }, merge: 'm1' });
    expect(first.html).toContain('href="https://crm.example/u?t=ala@klient.example"');
    expect(first.headers).toMatchObject({ 'List-Unsubscribe': '<https://crm.example/u?t=ala@klient.example>, <mailto:biuro@firma.example?subject=unsubscribe>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  test('an embedded contractor (the template used {{contractor.name}}) still links the message to it', () => {
    const [r] = plan([{ id: '1', first_name: 'Ala', email: 'ala@klient.example', marketing_consent: true, contractor: { id: 'c1', name: 'Klient' } }]);
    expect(r!.payload!.links).toEqual({ person: '1', contractor: 'c1' });
  });

  test('templateRoots names the first field of every placeholder, sections included', () => {
    expect([...templateRoots(compileTemplate('{{first_name}} z {{contractor.name}} {{#deal}}{{deal.name}}{{^owner}}-{{/owner}}{{/deal}}'))].sort()).toEqual(['contractor', 'deal', 'first_name', 'owner']);
  });

  test('a template that is not marketing does not ask for consent', () => {
    expect(plan([{ id: '1', first_name: 'Bob', email: 'bob@klient.example', marketing_consent: false }], { marketing: false })[0]!.skipped).toBeNull();
  });

  test('unsubscribe tokens name their address and only it', () => {
    const token = unsubscribeToken('k'.repeat(32), 'Ala@Klient.example');
    expect(unsubscribeAddress('k'.repeat(32), token)).toBe('ala@klient.example');
    expect(unsubscribeAddress('other-key-other-key-other-key', token)).toBeNull();
    const [, mac] = token.split('.');
    expect(unsubscribeAddress('k'.repeat(32), `${Buffer.from('bob@klient.example').toString('base64url')}.${mac}`)).toBeNull();
    expect(unsubscribeAddress('k'.repeat(32), 'garbage')).toBeNull();
  });
});
