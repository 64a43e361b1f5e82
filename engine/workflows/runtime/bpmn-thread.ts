// BPMN files are parsed and checked in a thread of their own: a large model (megabytes, tens of
// thousands of elements) takes seconds of CPU, which on the HTTP event loop would stall every
// request, timer and health check meanwhile. The thread starts on first use and ends when idle.
import { Worker } from 'node:worker_threads';
import { TesseraError, type ErrorCode, type Problem } from '../../errors.ts';
import type { LoadResult } from '../deploy.ts';
import type { PreparedDeployment } from './deployments.ts';

export type BpmnTask = { readonly kind: 'prepare'; readonly source: string | Uint8Array; readonly platformRights: boolean } | { readonly kind: 'load'; readonly xml: string };

/** A TesseraError as it crosses the thread boundary (class instances arrive as plain objects). */
export interface ThreadError {
  readonly code?: ErrorCode;
  readonly message: string;
  readonly problems?: readonly Problem[];
  readonly extensions?: Record<string, unknown>;
}

export type BpmnReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: ThreadError };

const ENTRY = new URL('./bpmn-thread-worker.ts', import.meta.url);
/** An idle thread is ended after this long (it holds its own heap); the next file starts one again. */
const IDLE_MS = 60_000;

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class BpmnThread {
  #worker: Worker | null = null;
  #nextId = 1;
  readonly #waiting = new Map<number, Waiting>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #idle: ReturnType<typeof setTimeout> | null = null;

  /** prepareDeployment (deployments.ts) in the thread: decode, parse, check the subset, compile, checksum. */
  prepare(source: string | Uint8Array, options: { readonly platformRights: boolean }): Promise<PreparedDeployment> {
    return this.#run({ kind: 'prepare', source, platformRights: options.platformRights }) as Promise<PreparedDeployment>;
  }

  /** loadDefinitions (deploy.ts) in the thread: the graphs of a stored file. */
  load(xml: string): Promise<LoadResult> {
    return this.#run({ kind: 'load', xml }) as Promise<LoadResult>;
  }

  /** Ends the thread once the files in progress are done. */
  async stop(): Promise<void> {
    this.#clearIdle();
    await Promise.allSettled(this.#inFlight);
    // A file handed over meanwhile keeps the thread (its idle timer ends it later).
    if (this.#waiting.size > 0) return;
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #run(task: BpmnTask): Promise<unknown> {
    this.#clearIdle();
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    const result = new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, task });
    });
    this.#inFlight.add(result);
    const done = () => this.#inFlight.delete(result);
    result.then(done, done);
    return result;
  }

  #start(): Worker {
    const worker = new Worker(ENTRY, { name: 'tessera-bpmn' });
    // Never what keeps a process alive.
    worker.unref();
    worker.on('message', (reply: BpmnReply) => this.#settle(reply));
    const fail = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      for (const [id, waiting] of this.#waiting) {
        this.#waiting.delete(id);
        waiting.reject(new Error(`the BPMN thread failed: ${error.message}`));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`it exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #settle(reply: BpmnReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else {
      const { code, message, problems, extensions } = reply.error;
      waiting.reject(code ? new TesseraError(code, message, { ...(problems ? { problems } : {}), ...(extensions ? { extensions } : {}) }) : new Error(message));
    }
    if (this.#waiting.size === 0) {
      this.#idle = setTimeout(() => void this.stop(), IDLE_MS);
      this.#idle.unref();
    }
  }

  #clearIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
  }
}
