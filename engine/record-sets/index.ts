// Work over sets of records: bulk actions from lists and marketing actions (docs/workflows.md).
export { BULK_MAX_RECORDS, mayStartAbout, runForRecords, runProgress, startMembers, type BulkRequest, type MemberStart, type RecordSetServices, type RunProgress, type RunResult } from './runs.ts';
export { DEFAULT_MARKETING_SCENARIO, MARKETING_ACTION, MARKETING_MAX_MEMBERS, marketingMembers, startMarketingAction } from './marketing.ts';
