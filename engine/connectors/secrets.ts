// Secrets at rest: AES-256-GCM with a 256-bit key. The key comes from TESSERA_SECRET_KEY (base64 or
// hex of 32 bytes) or, without it, from `<data dir>/secret.key`, generated on first need with mode
// 0600. Each envelope names the key that sealed it (the first bytes of the key's SHA-256), so
// previous keys listed in TESSERA_SECRET_KEY_PREVIOUS still open old envelopes until
// `tessera connectors rotate-key` has sealed everything again with the current key
// (docs/security.md). The additional data binds an envelope to its row: a copied ciphertext does
// not open under another connector.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../errors.ts';

const VERSION = 'v1';
export const SECRET_KEY_FILE = 'secret.key';

interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

function keyOf(bytes: Buffer): Key {
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 12), bytes };
}

/** Parses a key given as base64/base64url or hex of exactly 32 bytes. */
export function parseSecretKey(text: string, name = 'TESSERA_SECRET_KEY'): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) throw new Error(`${name} must be 32 random bytes in base64 or hex (e.g. openssl rand -base64 32), got ${bytes.length} bytes`);
  return bytes;
}

export class SecretKeyring {
  readonly #current: Key;
  readonly #all: ReadonlyMap<string, Key>;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.#current = keyOf(current);
    this.#all = new Map([this.#current, ...previous.map(keyOf)].map((k) => [k.id, k]));
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  /** Seals a text; `context` (e.g. the connector id) must be given again to open it. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current.bytes, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, this.#current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(envelope: string, context: string): string {
    const [version, keyId, iv, tag, body] = envelope.split('.');
    if (version !== VERSION || !keyId || iv === undefined || tag === undefined || body === undefined) throw new TesseraError('INTERNAL', 'a stored secret is not in a known format');
    const key = this.#all.get(keyId);
    if (!key) throw new TesseraError('INTERNAL', `a stored secret was sealed with key ${keyId}, which is neither TESSERA_SECRET_KEY nor listed in TESSERA_SECRET_KEY_PREVIOUS`);
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TesseraError('INTERNAL', 'a stored secret does not open: it was changed, or sealed for another row');
    }
  }

  /** Whether an envelope was sealed with a key other than the current one. */
  isStale(envelope: string): boolean {
    return envelope.split('.')[1] !== this.#current.id;
  }
}

export interface KeySource {
  /** TESSERA_SECRET_KEY. */
  readonly key?: string | undefined;
  /** TESSERA_SECRET_KEY_PREVIOUS: comma-separated keys that may still open envelopes. */
  readonly previous?: string | undefined;
  /** Where secret.key is read or generated when no key is given. */
  readonly dataDir?: string | undefined;
}

/** The keyring of a process; null when there is neither a key nor a data directory to keep one in. */
export async function loadKeyring(source: KeySource): Promise<SecretKeyring | null> {
  const previous = (source.previous ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((k) => parseSecretKey(k, 'TESSERA_SECRET_KEY_PREVIOUS'));
  if (source.key) return new SecretKeyring(parseSecretKey(source.key), previous);
  if (!source.dataDir) return null;
  const file = join(source.dataDir, SECRET_KEY_FILE);
  let text: string | null = null;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === null) {
    await mkdir(source.dataDir, { recursive: true, mode: 0o700 });
    const generated = randomBytes(32).toString('base64');
    try {
      // `wx`: when two processes start at once, the second reads the first one's key.
      await writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
      text = generated;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      text = await readFile(file, 'utf8');
    }
    await chmod(file, 0o600);
  }
  return new SecretKeyring(parseSecretKey(text, file), previous);
}
