// The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), the password exchange PostgreSQL servers use
// and every `pg` client speaks. The embedded database asks for it so that only a process that read
// the per-start secret (the 0600 lock file) can connect. Pure: the socket code feeds it the client's
// messages. Neither side sends the password; the server proves it knows it too (the final signature).
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';

/** What the server keeps of a password: never the password itself. */
export interface ScramVerifier {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

/** What a session remembers between the server-first and the client-final message. */
export interface ScramChallenge {
  readonly clientFirstBare: string;
  readonly serverFirst: string;
  readonly nonce: string;
  readonly gs2Header: string;
}

export type ScramResult = { readonly ok: true; readonly serverFinal: string } | { readonly ok: false; readonly reason: string };

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/**
 * 4096 iterations: PostgreSQL's default (scram_iterations); the secret is random, so more buys nothing.
 * No SASLprep: the embedded database's secrets are ASCII, which SASLprep leaves as they are.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): ScramVerifier {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return { salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** Reads `name=value` attributes of a SCRAM message; null when it is not of that form. */
function attributes(message: string): Map<string, string> | null {
  const result = new Map<string, string>();
  for (const part of message.split(',')) {
    const match = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (!match) return null;
    result.set(match[1]!, match[2]!);
  }
  return result;
}

/**
 * The answer to a client-first message (`n,,n=user,r=nonce`), or why it is refused. Channel binding
 * is not offered ('p' refused); 'y' (client could bind, thinks we cannot) is accepted as PostgreSQL does.
 */
export function scramServerFirst(clientFirst: string, verifier: ScramVerifier, serverNonce: string = randomBytes(18).toString('base64')): ScramChallenge | { readonly reason: string } {
  const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(clientFirst);
  if (!match) return { reason: 'malformed SCRAM client-first message (channel binding is not supported)' };
  const clientFirstBare = match[3]!;
  const clientNonce = attributes(clientFirstBare)?.get('r');
  if (!clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) return { reason: 'malformed SCRAM client nonce' };
  const nonce = clientNonce + serverNonce;
  const serverFirst = `r=${nonce},s=${verifier.salt.toString('base64')},i=${verifier.iterations}`;
  return { clientFirstBare, serverFirst, nonce, gs2Header: `${match[1]},${match[2] ?? ''},` };
}

/** Checks a client-final message (`c=…,r=…,p=proof`) against the challenge; on success, the server's proof. */
export function scramServerFinal(clientFinal: string, challenge: ScramChallenge, verifier: ScramVerifier): ScramResult {
  const proofAt = clientFinal.lastIndexOf(',p=');
  if (proofAt < 0) return { ok: false, reason: 'malformed SCRAM client-final message' };
  const withoutProof = clientFinal.slice(0, proofAt);
  const attrs = attributes(withoutProof);
  if (!attrs || attrs.get('c') !== Buffer.from(challenge.gs2Header).toString('base64') || attrs.get('r') !== challenge.nonce) {
    return { ok: false, reason: 'SCRAM channel binding or nonce mismatch' };
  }
  const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
  const authMessage = `${challenge.clientFirstBare},${challenge.serverFirst},${withoutProof}`;
  const signature = hmac(verifier.storedKey, authMessage);
  if (proof.length !== signature.length) return { ok: false, reason: 'password authentication failed' };
  // ClientKey = proof XOR signature; the client knew the password if H(ClientKey) is the stored key.
  const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
  if (!timingSafeEqual(sha256(clientKey), verifier.storedKey)) return { ok: false, reason: 'password authentication failed' };
  return { ok: true, serverFinal: `v=${hmac(verifier.serverKey, authMessage).toString('base64')}` };
}
