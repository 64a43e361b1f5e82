// The BPMN thread (bpmn-thread.ts): runs the same parse-and-check functions the engine would run
// inline, and sends back their plain results (graphs are maps of plain values) or the error.
import { parentPort } from 'node:worker_threads';
import { isTesseraError } from '../../errors.ts';
import { loadDefinitions } from '../deploy.ts';
import type { BpmnReply, BpmnTask, ThreadError } from './bpmn-thread.ts';
import { prepareDeployment } from './deployments.ts';

async function perform(task: BpmnTask): Promise<unknown> {
  if (task.kind === 'load') return loadDefinitions(task.xml);
  // The decoded text comes back with the results: the file's bytes may be in any declared encoding.
  return prepareDeployment(task.source, { platformRights: task.platformRights });
}

function threadError(error: unknown): ThreadError {
  if (isTesseraError(error)) return { code: error.code, message: error.message, problems: error.problems, extensions: { ...error.extensions } };
  return { message: error instanceof Error ? error.message : String(error) };
}

const port = parentPort!;
port.on('message', (request: { readonly id: number; readonly task: BpmnTask }) => {
  void perform(request.task).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies BpmnReply),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, error: threadError(error) } satisfies BpmnReply),
  );
});
