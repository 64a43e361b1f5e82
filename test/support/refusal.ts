// The typed error a write is refused with (fails the test when the write goes through or throws
// something else).
import { isTesseraError, type TesseraError } from '../../engine/errors.ts';

export async function refusal(work: Promise<unknown>): Promise<TesseraError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isTesseraError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}
