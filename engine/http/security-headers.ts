// helmet's security headers, worked out once. helmet runs a dozen middleware functions per request
// to set headers that never change with our options (no per-request CSP nonces); this asks helmet
// once, on a probe response, which headers it sets and removes, and replays them on every response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

export interface SecurityHeaders {
  /** [name, value] as helmet sets them, in its order. */
  readonly set: readonly (readonly [string, string])[];
  readonly removed: readonly string[];
}

/** What helmet with these options does to a response's headers. Throws if that depends on the request. */
export function helmetHeaders(options: Readonly<HelmetOptions>): SecurityHeaders {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' && csp !== null ? Object.values(csp.directives ?? {}) : [];
  // A directive computed per request (a nonce) cannot be worked out once.
  if (directives.some((d) => typeof d === 'function' || (Array.isArray(d) && d.some((v) => typeof v === 'function')))) {
    throw new Error('a Content-Security-Policy directive computed per request cannot be replayed: its headers depend on the request');
  }
  const set: [string, string][] = [];
  const removed: string[] = [];
  const probe = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, Array.isArray(value) ? value.join(', ') : String(value as string | number)]);
      return probe;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, probe as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers depend on the request');
  return { set, removed };
}

/** helmet(options) as one middleware that replays the headers computed once. */
export function securityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  const { set, removed } = helmetHeaders(options);
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
