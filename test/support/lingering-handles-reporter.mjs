// A jest reporter naming what a test file left open. On a 2-core machine jest runs every file in its
// own process (in band), so a server, socket, child process or timer a file forgets to close keeps
// `npm test` from ever exiting (CI then times out after a green run). After each file it waits a
// moment for closing handles to go, then prints any new ones with the file that left them; after the
// run, what is still open. test/run.ts adds it to every run.
const SETTLE_MS = 300;

function describe(handle) {
  const kind = handle?.constructor?.name ?? typeof handle;
  if (kind === 'Socket' || kind === 'TLSSocket') {
    const where = handle.remotePort ? `${handle.localPort}→${handle.remoteAddress}:${handle.remotePort}` : handle._pipeName ?? handle.path ?? '';
    return `${kind}(${where})`;
  }
  if (kind === 'Server') {
    const address = handle.address?.();
    return `Server(${typeof address === 'object' && address ? `${address.address}:${address.port}` : address ?? ''})`;
  }
  if (kind === 'ChildProcess') return `ChildProcess(${handle.spawnfile} pid ${handle.pid})`;
  return kind;
}

function snapshot() {
  const counts = new Map();
  const add = (key) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const handle of process._getActiveHandles()) {
    if (handle?.fd === 0 || handle?.fd === 1 || handle?.fd === 2) continue; // the process's own stdio
    add(describe(handle));
  }
  // Timers and other resources are not handles; counted by type.
  for (const type of process.getActiveResourcesInfo()) if (type === 'Timeout' || type === 'Immediate' || type === 'FSReqCallback') add(type);
  return counts;
}

function added(before, after) {
  const out = [];
  for (const [key, n] of after) if (n > (before.get(key) ?? 0)) out.push(`${n - (before.get(key) ?? 0)}× ${key}`);
  return out;
}

export default class LingeringHandlesReporter {
  #baseline = snapshot();

  async onTestFileResult(test) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS).unref());
    const now = snapshot();
    const extra = added(this.#baseline, now);
    if (extra.length) process.stderr.write(`\n[open handles] left after ${test.path.replace(process.cwd() + '/', '')}: ${extra.join(', ')}\n`);
    this.#baseline = now;
  }

  onRunComplete() {
    const left = [...snapshot()].map(([key, n]) => `${n}× ${key}`);
    process.stderr.write(`\n[open handles] at the end of the run: ${left.join(', ') || 'none'}\n`);
  }
}
