#!/usr/bin/env node
// Entry of `npx tessera`: Node 24 runs the TypeScript sources directly (type stripping).
import { runCli } from './main.ts';

await runCli(process.argv.slice(2));
