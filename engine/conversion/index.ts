// Conversions of one record into others in one step (a lead into contractor, contact and deal).
export { convertLead, parseConversion, leadCarryOver, splitName, LEAD, type LeadConversion, type LeadConversionInput, type ConversionChoice } from './lead.ts';
export { runConversion, declaredConversion, requireAllowed, type ConversionRecipient, type DeclaredConversionResult } from './declared.ts';
export { runRecordAction, type ProcessStarter, type RecordActionResult } from './actions.ts';
