// Asks GET /api/health one request after another until its stdin closes, then prints the latencies
// ({ count, p50, p99, max } in ms) as JSON. A child process, so a frozen server cannot hide it.
// Writes "ready" to stderr once the first answer came.
const [url] = process.argv.slice(2);
const latencies: number[] = [];
let stopping = false;
process.stdin.on('end', () => (stopping = true));
process.stdin.resume();

while (!stopping) {
  const started = performance.now();
  const res = await fetch(`${url}/api/health`);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`health answered ${res.status}`);
  latencies.push(performance.now() - started);
  if (latencies.length === 1) process.stderr.write('ready\n');
  // About fifty probes a second: a monitor's pace, not a load.
  await new Promise((resolve) => setTimeout(resolve, 20));
}
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(JSON.stringify({ count: latencies.length, p50: at(50), p99: at(99), max: latencies.at(-1) ?? 0 }));
