// Work over sets of records: bulk actions from lists and marketing actions (docs/workflows.md).
export { BULK_MAX_RECORDS, mayStartAbout, runForRecords, runProgress, startMembers, WORKFLOW_JOB, workflowJobKind, type BulkRequest, type MemberStart, type RecordSetServices, type RunProgress, type RunResult } from './runs.ts';
export { DEFAULT_MARKETING_SCENARIO, MARKETING_ACTION, MARKETING_MAX_MEMBERS, marketingMembers, startMarketingAction } from './marketing.ts';
export { RecordJobs, RECORD_JOB_FAILURES_SHOWN, RECORD_JOB_MAX_IDS, type RecordJobItem, type RecordJobKind, type RecordJobReport, type RecordJobSubmission, type RecordJobWork, type RecordSelection } from './jobs.ts';
export { CONVERSION_FAN_OUT_JOB, CONVERSION_JOB, conversionFanOutJobKind, conversionJobKind, fanOutRecipients, type FanOutSource } from './conversions.ts';
