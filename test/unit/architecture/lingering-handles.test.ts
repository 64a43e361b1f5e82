// The reporter that names what a test file leaves open (jest.config.js): a server a file forgot is
// reported with its address after that file, and no longer once it is closed.
import { createServer } from 'node:net';
import LingeringHandlesReporter from '../../support/lingering-handles-reporter.mjs';

async function reported(reporter: LingeringHandlesReporter, path: string): Promise<string> {
  const written: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await reporter.onTestFileResult({ path: `${process.cwd()}/${path}` });
  } finally {
    process.stderr.write = original;
  }
  return written.join('');
}

test('a server left listening is named after the file that left it', async () => {
  const reporter = new LingeringHandlesReporter();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    expect(await reported(reporter, 'test/integration/leaky.test.ts')).toContain(`left after test/integration/leaky.test.ts: 1× Server(127.0.0.1:${port})`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  expect(await reported(reporter, 'test/integration/tidy.test.ts')).not.toContain('Server(');
});
