// Fair queueing on the embedded database's one backend (engine/db/backend-turns.ts), without a
// backend: which waiting connection goes next after which batches ran.
import { BackendTurns, turnTaker, type TurnTaker } from '../../../engine/db/backend-turns.ts';

interface Waiting extends TurnTaker {
  readonly name: string;
  pending: unknown[];
  phase: string;
}

const connection = (name: string): Waiting => ({ name, pending: [], phase: 'ready', ...turnTaker() });

/** `who` sends a batch of `statement`; it waits for the backend. */
function send(turns: BackendTurns<Waiting>, who: Waiting, statement: string): void {
  who.pending = [statement];
  turns.join(who, statement);
}

/** The next connection runs its batch for `ms`. */
function runNext(turns: BackendTurns<Waiting>, ms: number): Waiting {
  const next = turns.next()!;
  const [statement] = next.pending as string[];
  next.pending = [];
  turns.ran(next, ms, statement!);
  return next;
}

/** The turns after `first` ran one batch of `statement` for `ms`, no one else waiting. */
function afterOneBatch(first: Waiting, statement: string, ms: number): BackendTurns<Waiting> {
  const turns = new BackendTurns<Waiting>();
  send(turns, first, statement);
  runNext(turns, ms);
  return turns;
}

describe('turns on the embedded backend', () => {
  test('a connection repeating its statement is not kept waiting for ever by connections that each start afresh', () => {
    // Workers' connections run a different statement each time and so start level with the clock;
    // pg-boss's fetch repeats its own. Had the clock stood still while they ran, the fetch (which
    // fires the timers) would wait as long as any of them kept sending.
    const fetch = connection('fetch');
    const worker = connection('worker');
    const turns = afterOneBatch(fetch, 'fetch', 100);
    send(turns, fetch, 'fetch');
    const ran: string[] = [];
    for (let i = 0; i < 50 && !ran.includes('fetch'); i++) {
      send(turns, worker, `step ${i}`);
      ran.push(runNext(turns, 10).name);
    }
    expect(ran).toContain('fetch');
    // It waited while the worker had used less than it, sharing the time.
    expect(ran.filter((name) => name === 'worker').length).toBeGreaterThanOrEqual(10);
  });

  test('a pooled connection whose next statement is another starts afresh; a long statement brings its backend time to its next connection', () => {
    const pooled = connection('pooled');
    const other = connection('other');
    const turns = afterOneBatch(pooled, 'INSERT 10,000 rows', 1000);
    // The loader's next INSERT on `other`, queued first; then a timer step on `pooled`.
    send(turns, other, 'INSERT 10,000 rows');
    send(turns, pooled, 'SELECT the instance');
    expect(runNext(turns, 5).name).toBe('pooled');
    expect(runNext(turns, 1000).name).toBe('other');
  });
});
