// The persisted workflow runtime on top of the pure core (../index.ts): deployments, instances in
// PostgreSQL, user tasks as activities, metadata triggers, pg-boss workers for timers and connectors.
export { WorkflowRuntime, type ActivityTask, type DeployOptions, type DeployResult, type RuntimeOptions, type StartRequest, type WorkerOptions, type WorkQueue } from './workflow-runtime.ts';
export type { QueuedJob, NewJob } from './jobs.ts';
export { TaskTypeRegistry, TaskBpmnError, type TaskType, type InlineTaskType, type JobTaskType, type TaskInput, type InlineTaskContext, type JobTaskContext, type Backoff } from './task-types.ts';
export { NotificationService, NOTIFICATIONS_CHANNEL, writeNotification, type Notification, type NotificationInput, IN_APP, OUTBOX_CHANNELS } from './notifications.ts';
export { MENTION, mentionedLogins, userMayRead } from './activity-notifications.ts';
export { sqlOf } from './sql.ts';
export { MAX_FLOW_ELEMENTS, prepareDeployment, taskTypeWarnings, workflowInvalid, type DeployedProcess } from './deployments.ts';
export { BUILT_IN_TASK_TYPES } from './actions.ts';
export { instanceView, listInstances, listDefinitions, listIncidents, type InstanceView, type InstanceSummary, type DefinitionSummary } from './read-models.ts';
export { evaluateTriggers, triggerMatches } from './triggers.ts';
export { userOrigin, triggerOrigin, type RunAs, type StartedVia, type StartOrigin } from './run-as.ts';
