// JSON responses of the hot record routes (get, list, create). express's res.json parses and
// re-formats the Content-Type on every call and copies bodies over 1,000 characters into a Buffer
// before writing them; on a 20-row list that was a noticeable share of the request's JavaScript
// (docs/deployment.md, "Where the CPU goes"). Same headers, conditional GET (304) and HEAD as res.json.
import type { Request, Response } from 'express';

const JSON_TYPE = 'application/json; charset=utf-8';

export function sendJson(req: Request, res: Response, value: unknown, status = 200): void {
  const text = JSON.stringify(value);
  res.statusCode = status;
  // express's freshness: a GET or HEAD whose If-None-Match / If-Modified-Since matches the response's ETag.
  if (req.fresh) {
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Length');
    res.end();
    return;
  }
  res.setHeader('Content-Type', JSON_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (req.method === 'HEAD') res.end();
  else res.end(text, 'utf8');
}
