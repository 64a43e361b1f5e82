// The SMS connector's surface. The connector platform's adapter wires these to the outbox,
// secrets and records through the callbacks of ports.ts; nothing here imports the engine.
// The codec (connectors/sms/codec/index.ts) is browser-safe on its own, for the compose counter.
export * from './codec/index.ts';
export { type SmsErrorReason, type SmsErrorInfo, SMS_ERROR_REASONS, SmsError, cmsError, cmeError } from './errors.ts';
export { type PhoneNumberType, type PhoneNumberResult, normalisePhoneNumber, canReceiveSms, samePhoneNumber } from './phone-numbers.ts';
export { type SmsStatus, type OutgoingSms, type SendResult, type StatusUpdate, type SmsProvider, combinePartStatuses } from './provider.ts';
export { type IncomingSms, type ModemHealth, type SmsPorts } from './ports.ts';
export { type GsmModemOptions, GsmModem } from './modem/gsm-modem.ts';
export { type ModemLink, type OpenLink, openSerialLink } from './modem/link.ts';
export { type SmsapiOptions, SmsapiProvider, parseSmsapiCallback, smsapiNotifyUrl, smsapiStatus, type CallbackResult } from './http/smsapi.ts';
export { type TwilioOptions, TwilioProvider, parseTwilioCallback, twilioSignature, twilioStatus } from './http/twilio.ts';
export { sms, pool as smsProviderPool, reconcileAccounts } from './connector.ts';
export { type SmsAccount, type SmsConfig, type SmsTemplate, configSchema as smsConfigSchema, chooseAccount } from './accounts.ts';
export { isOptOutReply, mayReceive } from './consent.ts';
export { fillTemplate, renderTemplate } from './templates.ts';
export { RateLimiter } from './rate-limit.ts';
export { reserveSends } from './rate-buckets.ts';
export { queueSmsList, LIST_SEND_MAX, SmsListProblem, type SmsListRequest, type SmsListResult, type SmsListRefusal } from './list-send.ts';
export { queueSms, queueSmsMany, applyStatus, SMS_CHANNEL, type QueueResult, type SmsRequest } from './outbound.ts';
export { receiveSms, reindexPhones } from './incoming.ts';
export { takeNotifications, bpmnCode } from './send-task.ts';
