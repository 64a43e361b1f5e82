// The HTTP part both gateway providers share: a POST with a timeout whose network failures and
// 5xx/429 answers become retryable typed errors.
import { smsError } from '../errors.ts';

export interface HttpAnswer {
  status: number;
  body: unknown;
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string>, timeoutMs: number, source: 'smsapi' | 'twilio'): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw smsError('providerUnavailable', true, source, null, error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  const body = parseBody(text);
  if (response.status === 429) throw smsError('rateLimited', true, source, 429);
  if (response.status >= 500) throw smsError('providerUnavailable', true, source, response.status, typeof body === 'string' ? body.slice(0, 200) : undefined);
  return { status: response.status, body };
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Compares secrets without leaking where they differ through timing. */
export function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
