// Which persons and contractors a message concerns, from its addresses: a pure function over candidate
// lists the engine looked up (persons and contractors having one of the addresses in an e-mail field, or
// a declared domain). An exact address beats a domain; a domain only counts when the contractor declared
// it, never for free-mail providers (half of Poland writes from wp.pl or gmail.com) nor the company's own.
import type { MailAddress } from './message.ts';

export interface LinkCandidate {
  readonly kind: 'person' | 'contractor';
  readonly id: string;
  /** The candidate's e-mail fields. */
  readonly emails: readonly string[];
  /** Declared mail domains (contractors). */
  readonly domains?: readonly string[];
  /** For a person: the contractor they work for, linked too when the person matches. */
  readonly contractorId?: string | null;
}

export type AddressRole = 'from' | 'to' | 'cc' | 'bcc' | 'replyTo';

export interface AddressLink {
  readonly kind: 'person' | 'contractor';
  readonly id: string;
  readonly address: string;
  readonly role: AddressRole;
  readonly via: 'email' | 'domain' | 'employer';
}

export interface LinkOptions {
  /** The company's own domains: addresses there are colleagues, not contacts. */
  readonly ownDomains?: readonly string[];
  readonly freeMailDomains?: readonly string[];
}

export const FREE_MAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.net',
  'aol.com',
  'wp.pl',
  'o2.pl',
  'onet.pl',
  'op.pl',
  'interia.pl',
  'poczta.fm',
  'tlen.pl',
  'vp.pl',
  'gazeta.pl',
  'yahoo.ro',
  'gmail.ro',
];

export const normaliseAddress = (address: string) => address.trim().toLowerCase();
export const domainOf = (address: string) => normaliseAddress(address).split('@').pop() ?? '';

/** The addresses of a message by role, for looking candidates up (every distinct address and domain). */
export function messageAddresses(message: {
  from: readonly MailAddress[];
  to: readonly MailAddress[];
  cc: readonly MailAddress[];
  bcc?: readonly MailAddress[];
  replyTo?: readonly MailAddress[];
}): { role: AddressRole; address: string }[] {
  const roles: [AddressRole, readonly MailAddress[] | undefined][] = [
    ['from', message.from],
    ['to', message.to],
    ['cc', message.cc],
    ['bcc', message.bcc],
    ['replyTo', message.replyTo],
  ];
  return roles.flatMap(([role, list]) => (list ?? []).map((entry) => ({ role, address: normaliseAddress(entry.address) })));
}

export function linkAddresses(
  addresses: readonly { role: AddressRole; address: string }[],
  candidates: readonly LinkCandidate[],
  options: LinkOptions = {},
): AddressLink[] {
  const own = new Set((options.ownDomains ?? []).map((d) => d.toLowerCase()));
  const free = new Set((options.freeMailDomains ?? FREE_MAIL_DOMAINS).map((d) => d.toLowerCase()));
  const byEmail = new Map<string, LinkCandidate[]>();
  const byDomain = new Map<string, LinkCandidate[]>();
  for (const candidate of candidates) {
    for (const email of candidate.emails) push(byEmail, normaliseAddress(email), candidate);
    for (const domain of candidate.domains ?? []) push(byDomain, domain.trim().toLowerCase().replace(/^@/, ''), candidate);
  }
  const links: AddressLink[] = [];
  const seen = new Set<string>();
  const add = (link: AddressLink) => {
    const key = `${link.kind}:${link.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push(link);
  };
  for (const { role, address } of addresses) {
    const domain = domainOf(address);
    if (own.has(domain)) continue;
    const exact = byEmail.get(address) ?? [];
    for (const candidate of exact) {
      add({ kind: candidate.kind, id: candidate.id, address, role, via: 'email' });
      if (candidate.kind === 'person' && candidate.contractorId) add({ kind: 'contractor', id: candidate.contractorId, address, role, via: 'employer' });
    }
    if (exact.some((c) => c.kind === 'contractor') || free.has(domain)) continue;
    for (const candidate of byDomain.get(domain) ?? []) {
      if (candidate.kind === 'contractor') add({ kind: 'contractor', id: candidate.id, address, role, via: 'domain' });
    }
  }
  return links;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
