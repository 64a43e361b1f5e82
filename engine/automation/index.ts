// Node-RED automation embedded in the server (docs/automation.md): the editor behind Tessera's
// sign-in at /automation, flows and credentials in the database, record events for flows, and the
// ports the Tessera nodes (connectors/node-red) act through.
export { createAutomation, EDITOR_ROOT, HTTP_NODE_ROOT, PUBLIC_PREFIX, type Automation, type AutomationOptions, type AutomationPalette } from './runtime.ts';
export { AUTOMATION_LOGIN } from './services.ts';
export { editorPermissions } from './editor-auth.ts';
export { listenedEntities, recordAutomationEvents } from './events.ts';
export type { TesseraPorts, RecordEvent, IdentityRef } from './ports.ts';
export { exportFlows, importFlows } from './flow-folder.ts';
export { filesToFlows, flowsToFiles, type FlowNode } from './flow-files.ts';
