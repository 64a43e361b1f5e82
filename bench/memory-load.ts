// "Memory after load" (BENCH=load BENCH_LOAD_PART=memory): the server process's memory before, during
// and after the mixed HTTP load of "embedded under load", for the embedded database and for a
// PostgreSQL server. Each database runs in a child process of its own (this file run as a script), so
// one's memory never counts in the other's figures; the child samples its own process.memoryUsage()
// (and, embedded, the database thread's heap and PGlite's WebAssembly memory) every 250 ms while the
// load runs from a grandchild process, then stays idle and is measured again.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRound, setUp, type LoadOptions } from './embedded-load.ts';

type Kind = 'embedded' | 'server';

/** One moment's memory, in bytes. */
interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Embedded only: the database thread's JavaScript heap and PGlite's WebAssembly memory. */
  readonly threadHeapUsed?: number;
  readonly wasm?: number;
}

interface MemoryPhase {
  readonly phase: string;
  readonly sample: MemorySample;
}

interface MemoryRun {
  readonly kind: Kind;
  readonly phases: readonly MemoryPhase[];
  readonly rps: number;
  readonly peakRssKernel: number;
}

export interface MemoryOptions extends Pick<LoadOptions, 'adminUrl' | 'connections' | 'seconds' | 'rows' | 'log'> {
  /** Idle seconds after the load at which memory is measured again (cumulative: 30, 120). */
  readonly idleSeconds: readonly number[];
}

const SCRIPT = fileURLToPath(import.meta.url);
const MB = (bytes: number) => (bytes / 1048576).toFixed(0);

/** The kernel's peak resident set of this process (VmHWM): the peak between two samples too. */
function kernelPeakRss(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.split(/\s+/)[1]) * 1024 : 0;
}

async function sample(target: Awaited<ReturnType<typeof setUp>>): Promise<MemorySample> {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const thread = await target.platform.db.embedded?.memory();
  return { rss, heapUsed, heapTotal, external, arrayBuffers, ...(thread ? { threadHeapUsed: thread.heapUsedBytes, wasm: thread.wasmBytes } : {}) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The child: one database, seeded, loaded, then idle. */
async function measureOne(kind: Kind, options: Omit<MemoryOptions, 'log'>): Promise<MemoryRun> {
  const target = await setUp(kind, options);
  try {
    const phases: MemoryPhase[] = [{ phase: 'after seeding', sample: await sample(target) }];
    let peak = phases[0]!.sample;
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        const now = await sample(target);
        if (now.rss > peak.rss) peak = now;
        await sleep(250);
      }
    })();
    const figures = await loadRound(target, options);
    loading = false;
    await sampler;
    phases.push({ phase: 'peak during load', sample: peak }, { phase: 'right after load', sample: await sample(target) });
    let idled = 0;
    for (const seconds of options.idleSeconds) {
      await sleep((seconds - idled) * 1000);
      idled = seconds;
      phases.push({ phase: `after ${seconds} s idle`, sample: await sample(target) });
    }
    return { kind, phases, rps: figures.rps, peakRssKernel: kernelPeakRss() };
  } finally {
    await target.close();
  }
}

function runChild(kind: Kind, options: MemoryOptions): Promise<MemoryRun> {
  const { log, ...rest } = options;
  void log;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, SCRIPT, kind, JSON.stringify(rest)], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as MemoryRun);
      else reject(new Error(`the ${kind} memory run exited with ${code}: ${stdout.slice(-500)}`));
    });
  });
}

const LABEL: Record<Kind, string> = { embedded: 'embedded (PGlite, own thread)', server: 'PostgreSQL server' };

export async function memoryLoadBenchmark(options: MemoryOptions): Promise<void> {
  const { log } = options;
  const kinds: Kind[] = options.adminUrl ? ['embedded', 'server'] : ['embedded'];
  log(`memory of the server process (MB) around the mixed HTTP load (${options.connections} connections × ${options.seconds} s, ${options.rows.toLocaleString('en')} rows), each database in a process of its own:`);
  log(`  ${'database / moment'.padEnd(40)} ${'rss'.padStart(6)} ${'heap used'.padStart(10)} ${'heap total'.padStart(11)} ${'external'.padStart(9)} ${'buffers'.padStart(8)} ${'db thread heap'.padStart(15)} ${'PGlite wasm'.padStart(12)}`);
  for (const kind of kinds) {
    const run = await runChild(kind, options);
    log(`  ${LABEL[kind]} (${run.rps.toFixed(0)} req/s; kernel's peak RSS ${MB(run.peakRssKernel)} MB)`);
    for (const { phase, sample: s } of run.phases) {
      log(
        `    ${phase.padEnd(38)} ${MB(s.rss).padStart(6)} ${MB(s.heapUsed).padStart(10)} ${MB(s.heapTotal).padStart(11)} ${MB(s.external).padStart(9)} ${MB(s.arrayBuffers).padStart(8)} ${(s.threadHeapUsed !== undefined ? MB(s.threadHeapUsed) : '—').padStart(15)} ${(s.wasm !== undefined ? MB(s.wasm) : '—').padStart(12)}`,
      );
    }
  }
}

if (process.argv[1] === SCRIPT) {
  const [kind, json] = process.argv.slice(2);
  const run = await measureOne(kind as Kind, JSON.parse(json!) as Omit<MemoryOptions, 'log'>);
  process.stdout.write(`\n${JSON.stringify(run)}\n`);
  process.exit(0);
}
