// Threading by Message-ID / In-Reply-To / References (subject fallback off by default), record tokens in
// subjects, and address → person/contractor matching.
import {
  buildThreads,
  linkAddresses,
  normaliseSubject,
  subjectRecordNumbers,
  threadFor,
  withRecordToken,
  type LinkCandidate,
  type ThreadInput,
} from '../../../connectors/email/index.ts';

const msg = (key: string, messageId: string | null, refs: string[] = [], subject = 'Oferta', day = 1): ThreadInput => ({
  key,
  messageId,
  inReplyTo: refs.at(-1) ?? null,
  references: refs,
  subject,
  date: new Date(Date.UTC(2026, 11, day)),
});

describe('threading', () => {
  it('groups by references in any arrival order, including a reply whose References lost the root', () => {
    const messages = [
      msg('c', 'c@x', ['a@x', 'b@x'], 'Re: Re: Oferta'),
      msg('a', 'a@x'),
      msg('b', 'b@x', ['a@x'], 'Re: Oferta'),
      msg('d', 'd@x', ['c@x'], 'Odp: Oferta'), // broken client: only In-Reply-To of its parent
      msg('e', 'e@y', [], 'Oferta'), // same subject, no headers: a different conversation by default
    ];
    const threads = [...buildThreads(messages).values()].map((keys) => keys.sort());
    expect(threads).toEqual(expect.arrayContaining([['a', 'b', 'c', 'd'], ['e']]));
    expect(threads).toHaveLength(2);
    const withSubjects = [...buildThreads(messages, { subjectFallback: true }).values()];
    expect(withSubjects).toHaveLength(1);
  });

  it('subject fallback respects its time window', () => {
    const far = [msg('a', 'a@x', [], 'Faktura', 1), msg('b', 'b@y', [], 'RE: Faktura', 28)];
    expect(buildThreads(far, { subjectFallback: true, subjectWindowDays: 7 }).size).toBe(2);
    expect(buildThreads(far, { subjectFallback: true, subjectWindowDays: 30 }).size).toBe(1);
  });

  it('threadFor joins the thread of a known ancestor, else of a known reply, else names a new one', () => {
    const known = new Map([
      ['a@x', 'T1'],
      ['z@x', 'T2'],
    ]);
    const lookup = (ids: readonly string[]) => ids.map((id) => known.get(id)).find((t) => t !== undefined) ?? null;
    expect(threadFor(msg('b', 'b@x', ['a@x']), lookup)).toBe('T1');
    expect(threadFor(msg('z', 'z@x'), lookup)).toBe('T2');
    expect(threadFor(msg('n', 'n@x', ['root@q', 'p@q']), lookup)).toBe('root@q');
    expect(threadFor(msg('n', null), lookup)).toBe('key:n');
    const bySubject = (subject: string) => (subject === 'oferta' ? 'T9' : null);
    expect(threadFor(msg('s', 's@x', [], 'Re: Oferta'), lookup, {}, bySubject)).toBe('s@x');
    expect(threadFor(msg('s', 's@x', [], 'Re: Oferta'), lookup, { subjectFallback: true }, bySubject)).toBe('T9');
  });

  it('normalises reply/forward prefixes in several languages', () => {
    expect(normaliseSubject('RE: Fwd: Odp: PD:  Oferta  na łożyska')).toBe('oferta na łożyska');
    expect(normaliseSubject('AW: WG: Re[2]: Angebot')).toBe('angebot');
    expect(normaliseSubject('Reklamacja')).toBe('reklamacja');
  });
});

describe('subject record tokens', () => {
  it('finds bracketed record numbers only', () => {
    expect(subjectRecordNumbers('Re: [TR/2026/0031] Awaria pompy [ZL/2026/7] [TR/2026/0031]')).toEqual(['TR/2026/0031', 'ZL/2026/7']);
    expect(subjectRecordNumbers('Faktura 2026/0031 TR/2026/0031')).toEqual([]);
    expect(subjectRecordNumbers('[SO-2026-12] x', /SO-\d{4}-\d+/)).toEqual(['SO-2026-12']);
    expect(withRecordToken('Oferta', 'TR/2026/0031')).toBe('Oferta [TR/2026/0031]');
    expect(withRecordToken('Re: Oferta [TR/2026/0031]', 'TR/2026/0031')).toBe('Re: Oferta [TR/2026/0031]');
  });
});

describe('linkAddresses', () => {
  const candidates: LinkCandidate[] = [
    { kind: 'person', id: 'p-anna', emails: ['Anna.Nowak@Klient.example'], contractorId: 'c-klient' },
    { kind: 'contractor', id: 'c-klient', emails: ['biuro@klient.example'], domains: ['klient.example'] },
    { kind: 'contractor', id: 'c-gmail', emails: [], domains: ['gmail.com'] },
    { kind: 'contractor', id: 'c-other', emails: ['kontakt@inny.example'], domains: ['inny.example'] },
  ];

  it("links exact addresses first, the person's employer, and declared domains except free mail and our own", () => {
    const links = linkAddresses(
      [
        { role: 'from', address: 'anna.nowak@klient.example' },
        { role: 'to', address: 'jan@firma.example' },
        { role: 'cc', address: 'ktos@gmail.com' },
        { role: 'cc', address: 'nowy@inny.example' },
      ],
      candidates,
      { ownDomains: ['firma.example'] },
    );
    expect(links).toEqual([
      { kind: 'person', id: 'p-anna', address: 'anna.nowak@klient.example', role: 'from', via: 'email' },
      { kind: 'contractor', id: 'c-klient', address: 'anna.nowak@klient.example', role: 'from', via: 'employer' },
      { kind: 'contractor', id: 'c-other', address: 'nowy@inny.example', role: 'cc', via: 'domain' },
    ]);
  });

  it('finds nothing for unknown mail (it goes to the "to file" queue)', () => {
    expect(linkAddresses([{ role: 'from', address: 'x@nieznany.example' }], candidates)).toEqual([]);
  });
});
