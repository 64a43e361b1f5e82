// The acting user of a request. The identity layer sets it (session cookie or API token); until a
// request is authenticated it acts as nobody through the API.
import type { Request } from 'express';
import type { Actor, RecordContext } from '../records/index.ts';

declare module 'express-serve-static-core' {
  interface Locals {
    actor?: Actor;
  }
}

export function recordContext(req: Request): RecordContext {
  return { actor: req.res?.locals.actor ?? { userId: null, via: 'api' } };
}
