// The server side of SCRAM-SHA-256 against the exchange published in RFC 7677 (section 3), and the
// ways a client-final message can be wrong.
import { scramServerFinal, scramServerFirst, scramVerifier, type ScramChallenge } from '../../../engine/db/scram.ts';

const PASSWORD = 'pencil';
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

function challenge(password = PASSWORD): { verifier: ReturnType<typeof scramVerifier>; challenge: ScramChallenge } {
  const verifier = scramVerifier(password, SALT, 4096);
  const first = scramServerFirst(CLIENT_FIRST, verifier, SERVER_NONCE);
  if ('reason' in first) throw new Error(first.reason);
  return { verifier, challenge: first };
}

test('the RFC 7677 exchange: same server-first message, the client proof accepted, the same server signature', () => {
  const { verifier, challenge: c } = challenge();
  expect(c.serverFirst).toBe(SERVER_FIRST);
  expect(scramServerFinal(CLIENT_FINAL, c, verifier)).toEqual({ ok: true, serverFinal: SERVER_FINAL });
});

test('a proof made with another password is refused', () => {
  const { verifier, challenge: c } = challenge('not the pencil');
  expect(scramServerFinal(CLIENT_FINAL, c, verifier)).toEqual({ ok: false, reason: 'password authentication failed' });
});

test('a replayed proof against a fresh server nonce, a changed channel binding or a cut proof are refused', () => {
  const verifier = scramVerifier(PASSWORD, SALT, 4096);
  const fresh = scramServerFirst(CLIENT_FIRST, verifier);
  if ('reason' in fresh) throw new Error(fresh.reason);
  expect(scramServerFinal(CLIENT_FINAL, fresh, verifier).ok).toBe(false);
  const { challenge: c } = challenge();
  expect(scramServerFinal(CLIENT_FINAL.replace('c=biws', 'c=eSws'), c, verifier).ok).toBe(false);
  expect(scramServerFinal(CLIENT_FINAL.replace(/p=.*$/, 'p=AAAA'), c, verifier).ok).toBe(false);
  expect(scramServerFinal('c=biws', c, verifier).ok).toBe(false);
});

test('client-first messages asking for channel binding or without a nonce are refused', () => {
  const verifier = scramVerifier(PASSWORD, SALT, 4096);
  expect(scramServerFirst('p=tls-server-end-point,,n=*,r=abc', verifier)).toHaveProperty('reason');
  expect(scramServerFirst('n,,n=*', verifier)).toHaveProperty('reason');
  expect(scramServerFirst('garbage', verifier)).toHaveProperty('reason');
  expect(scramServerFirst('y,,n=*,r=abc', verifier)).toHaveProperty('serverFirst');
});
