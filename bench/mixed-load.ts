// Mixed HTTP load for "embedded under load", run in a child process so the client does not share the
// server's event loop: every connection cycles through a filtered list, a get by a random id and a
// create. Prints { rps, total, p50, p99, errors } as JSON.
import autocannon from 'autocannon';

const [base, token, idList, connections, seconds] = process.argv.slice(2);
const ids = idList!.split(',');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const CITIES = ['Warszawa', 'Kraków', 'Gdańsk', 'Wrocław', 'Poznań'];
let n = 0;
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

const result = await autocannon({
  url: base!,
  connections: Number(connections),
  duration: Number(seconds),
  headers,
  requests: [
    {
      method: 'GET',
      setupRequest: (request) => ({ ...request, path: `/api/records/company?limit=20&sort=-created_at&filter=${encodeURIComponent(JSON.stringify({ city: { eq: pick(CITIES) }, employees: { gte: 100 } }))}` }),
    },
    { method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/records/company/${pick(ids)}` }) },
    {
      method: 'POST',
      path: '/api/records/company',
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ name: `Load ${process.pid}-${n++}`, city: pick(CITIES), employees: n % 500 }) }),
    },
  ],
});
process.stdout.write(
  JSON.stringify({ rps: result.requests.total / result.duration, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx }),
);
