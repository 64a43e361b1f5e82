export { changedEntities, sampleValues, trySandbox, type SandboxOptions, type SandboxOutcome, type SandboxResult, type SandboxSample } from './sandbox.ts';
