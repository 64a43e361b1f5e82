// The e-mail connector's surface. Pure parts (parse, sanitise, thread, link, compose) and the I/O edges
// (IMAP sync, SMTP send), reaching the engine only through the ports in ports.ts.
export type { MailAddress, MailAttachment, ParsedMessage } from './message.ts';
export type { MailStore, MailboxRef, MessageLocation, SyncCursor, SavedMessage, ImapAccount, SmtpAccount } from './ports.ts';
export { parseMessage, bareMessageId, messageIdList, htmlText } from './message-parse.ts';
export { contentHash, dedupeKey } from './message-identity.ts';
export { sanitiseHtml, type SanitiseOptions, type SanitisedHtml } from './html-sanitise.ts';
export { threadFor, buildThreads, normaliseSubject, ancestors, type ThreadInput, type ThreadOptions } from './threading.ts';
export { subjectRecordNumbers, withRecordToken, DEFAULT_RECORD_NUMBER } from './subject-tokens.ts';
export {
  linkAddresses,
  messageAddresses,
  normaliseAddress,
  domainOf,
  FREE_MAIL_DOMAINS,
  type AddressLink,
  type AddressRole,
  type LinkCandidate,
  type LinkOptions,
} from './address-linking.ts';
export { createImapSync, type ImapSync, type ImapSyncOptions, type MailboxSyncReport } from './imap-sync.ts';
export {
  planMailboxSync,
  statusShowsChange,
  backoffDelay,
  uidBatches,
  sequenceSet,
  vanishedUids,
  DEFAULT_BACKOFF,
  type BackoffPolicy,
  type MailboxSyncPlan,
  type ServerMailboxState,
} from './sync-state.ts';
export {
  composeMessage,
  composeOptions,
  createSmtpSender,
  appendToSent,
  replySubject,
  replyReferences,
  newMessageId,
  type Draft,
  type DraftAttachment,
  type ReplyParent,
  type ComposedMessage,
  type RecipientOutcome,
  type RecipientStatus,
  type SendResult,
  type SmtpSender,
  type SentCopy,
} from './smtp-send.ts';
export { email, configSchema as emailConfigSchema } from './connector.ts';
export { EngineMailStore, type StoreIdentity } from './engine-store.ts';
export { syncAllAccounts, watchInboxes } from './mailbox-sync.ts';
export { compileTemplate, renderTemplate, renderMail, TemplateProblem, type RenderedMail } from './template-render.ts';
export { queueMail, EMAIL_CHANNEL, type EmailPayload } from './outbound.ts';
export { planMerge, queueMerge, queueMergeById, mergeProgress, unsubscribeToken, unsubscribeAddress, type MergeRecipient, type SkipReason } from './mail-merge.ts';
