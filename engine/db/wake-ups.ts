// Wake-up hints sent after a commit (pg_notify on a connection of their own, writing nothing): those
// asked for while one is on its way go together in the next statement, so a burst of commits costs
// one or two round trips, not one each. A hint that fails is dropped: whoever listens also polls.
export class WakeUps {
  readonly #pending = new Set<string>();
  #sending = false;
  readonly #send: (payloads: string[]) => Promise<unknown>;
  readonly #failed: (error: unknown) => void;
  readonly #open: () => boolean;

  /** `send` notifies every payload in one statement; nothing is sent while `open` says no. */
  constructor(options: { send: (payloads: string[]) => Promise<unknown>; failed: (error: unknown) => void; open?: () => boolean }) {
    this.#send = options.send;
    this.#failed = options.failed;
    this.#open = options.open ?? (() => true);
  }

  add(payload: string): void {
    this.#pending.add(payload);
    if (this.#sending || !this.#open()) return;
    this.#sending = true;
    void this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      while (this.#pending.size > 0 && this.#open()) {
        const payloads = [...this.#pending];
        this.#pending.clear();
        await this.#send(payloads);
      }
    } catch (error) {
      this.#pending.clear();
      this.#failed(error);
    } finally {
      this.#sending = false;
    }
  }
}
