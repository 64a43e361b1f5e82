// Load generator for the HTTP figures, run in a child process so the client does not share the
// server's event loop (autocannon, keep-alive connections).
import autocannon from 'autocannon';

const [url, method, body, connections, amount, token] = process.argv.slice(2);
const auth = token ? { authorization: `Bearer ${token}` } : {};
const urls = url!.split('|');
const result = await autocannon({
  url: urls[0]!,
  connections: Number(connections),
  amount: Number(amount),
  method: (method ?? 'GET') as 'GET' | 'POST',
  headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
  ...(body ? { body } : {}),
  ...(urls.length > 1 ? { requests: urls.map((u) => ({ path: new URL(u).pathname + new URL(u).search, method: (method ?? 'GET') as 'GET' | 'POST', headers: auth })) } : {}),
});
const failures = result.non2xx + result.errors;
process.stdout.write(JSON.stringify({ rps: result.requests.average, total: result.requests.total, duration: result.duration, failures }));
