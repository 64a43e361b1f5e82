// The bench's HTTP load generator must time the requests it sends, not autocannon's 1-second ticks:
// in "amount" mode autocannon ends on its next tick, so 3,000, 4,000 and 5,000 requests all "took"
// about 2 s and the printed throughput was the request count divided by a rounded-up second.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const LOAD = fileURLToPath(new URL('../../../bench/http-load.ts', import.meta.url));

test('throughput is timed over the span the server saw the requests in, not rounded to a second', async () => {
  let first = 0;
  let last = 0;
  let count = 0;
  const server = createServer((_req, res) => {
    const now = performance.now();
    if (count === 0) first = now;
    last = now;
    count += 1;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const { stdout } = await promisify(execFile)(process.execPath, [LOAD, url, 'GET', '', '4', '400', '']);
    const result = JSON.parse(stdout) as { rps: number; total: number; seconds: number; failures: number };
    expect(result.failures).toBe(0);
    expect(result.total).toBe(400);
    expect(count).toBe(400);
    const span = (last - first) / 1000;
    // Connection set-up happens before the first request reaches the server; a tick-rounded figure
    // would be off by up to a whole second.
    expect(Math.abs(result.seconds - span)).toBeLessThan(0.25);
    expect(result.rps).toBeCloseTo(400 / result.seconds, 5);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}, 30_000);
