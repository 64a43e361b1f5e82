// node-red-node-test-helper set up for the Tessera palette (bpmn.md §5): the helper initialised on
// our node-red, and the palette's entry file to load flows with.
import { createRequire } from 'node:module';
import type { NodeMessage } from '../../connectors/node-red/nodes.ts';

const require = createRequire(import.meta.url);

export interface NodeRedTestHelper {
  init(path: string): void;
  settings(settings: Record<string, unknown>): void;
  startServer(done: () => void): void;
  stopServer(done: () => void): void;
  load(module: unknown, flow: object[], credentials?: Record<string, unknown>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): { receive(msg: object): void; on(event: 'input', handler: (msg: NodeMessage) => void): void; on(event: 'call:error', handler: (call: { args: [Error & { code?: string }, NodeMessage?] }) => void): void } | null;
}

export const helper = require('node-red-node-test-helper') as NodeRedTestHelper;
export const palette = require('../../connectors/node-red/palette/tessera.js') as unknown;
helper.init(require.resolve('node-red'));
