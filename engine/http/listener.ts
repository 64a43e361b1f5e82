// The HTTP server around the express app: how large a request head may be, and problem+json
// answers to requests Node's parser refuses before express sees them (Node's own answer is a bare
// status line with an empty body).
import { createServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { TesseraError } from '../errors.ts';
import { problemDocument } from './problem.ts';

/**
 * Request line and headers together. Node's default is 16 KiB; a list filter of 1,000 record ids
 * (the most `in` takes) is about 45 KiB once URL-encoded.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

export function createHttpServer(app: RequestListener): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  server.on('clientError', answerClientError);
  return server;
}

/** What a parser error of Node's HTTP server (llhttp codes) means for the client. */
export function clientErrorProblem(code: string | undefined): TesseraError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new TesseraError('HEADERS_TOO_LARGE', `the URL and headers together are larger than ${MAX_HEADER_BYTES / 1024} KiB; shorten the query (a search is at most 200 characters)`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new TesseraError('PAYLOAD_TOO_LARGE', 'chunk extensions are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new TesseraError('REQUEST_TIMEOUT', 'the request did not arrive in time');
    default:
      return new TesseraError('MALFORMED_REQUEST', 'the request is not valid HTTP/1.1');
  }
}

/** The in-flight response of a socket (Node's own clientError fallback looks at it the same way). */
type ServerSocket = Duplex & { readonly _httpMessage?: { readonly headersSent: boolean } | null };

function answerClientError(error: Error & { code?: string }, socket: ServerSocket): void {
  // A response already under way must not be corrupted, and a reset socket cannot be answered.
  if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const problem = clientErrorProblem(error.code);
  const body = JSON.stringify(problemDocument(problem));
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
