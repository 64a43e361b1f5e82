// The Tessera palette of the embedded Node-RED: the folder Node-RED loads (nodesDir) and the
// function that registers the nodes with the engine's ports (the embedding calls it). Only the
// composition root (engine/server.ts) imports this.
import { fileURLToPath } from 'node:url';
import { registerTesseraNodes, type NodeRedApi } from './nodes.ts';
import { registerSendNodes } from './send-nodes.ts';
import type { TesseraPorts } from './ports.ts';

export interface NodeRedPalette {
  /** The folder with package.json, tessera.js/.html and locales/. */
  readonly dir: string;
  register(red: NodeRedApi, ports: TesseraPorts): void;
}

export const tesseraPalette: NodeRedPalette = {
  dir: fileURLToPath(new URL('./palette/', import.meta.url)),
  register: (red: NodeRedApi, ports: TesseraPorts) => {
    registerTesseraNodes(red, ports);
    registerSendNodes(red, ports);
  },
};

export type { TesseraPorts, RecordEvent, IdentityRef, ListQuery } from './ports.ts';
