// Load generator for the HTTP figures, run in a child process so the client does not share the
// server's event loop (autocannon, keep-alive connections). Throughput is timed from the first request
// to the last response: autocannon's own duration in "amount" mode ends on its next 1-second tick,
// which made 3,000, 4,000 and 5,000 requests all "take" about 2 s.
import autocannon from 'autocannon';

const [url, method, body, connections, amount, token] = process.argv.slice(2);
const auth = token ? { authorization: `Bearer ${token}` } : {};
const urls = url!.split('|');
let last = 0;
let responses = 0;
const started = performance.now();
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const options: autocannon.Options = {
    url: urls[0]!,
    connections: Number(connections),
    amount: Number(amount),
    method: (method ?? 'GET') as 'GET' | 'POST',
    headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
    ...(urls.length > 1 ? { requests: urls.map((u) => ({ path: new URL(u).pathname + new URL(u).search, method: (method ?? 'GET') as 'GET' | 'POST', headers: auth })) } : {}),
  };
  const instance = autocannon(options, (error, done) => (error ? reject(error as Error) : resolve(done)));
  instance.on('response', () => {
    responses += 1;
    last = performance.now();
  });
});
const failures = result.non2xx + result.errors;
const seconds = (last - started) / 1000;
process.stdout.write(JSON.stringify({ rps: responses / seconds, total: responses, seconds, failures }));
