// The SMS codec: pure and browser-safe (no Node modules), so the compose dialog can count parts
// with the same code the modem driver encodes with.
// The alphabet and the part counter live in metadata/ (browser-safe, shared with the web app).
export { isGsm7, gsmSeptetCost, type SmsEncoding, type PartCount, SINGLE_LIMIT, PART_LIMIT, MAX_PARTS, chooseEncoding, splitMessage, countParts } from '../../../metadata/browser.ts';
export { type Concatenation, type DataCoding, type SmsTimestamp, PduFormatError, toHex, fromHex } from './pdu-fields.ts';
export {
  type SubmitOptions,
  type EncodedPdu,
  type SubmitPart,
  type DecodedSubmit,
  type DecodedDeliver,
  type DecodedStatusReport,
  type DecodedPdu,
  type DeliverOptions,
  type StatusReportOptions,
  encodeSubmit,
  encodeSubmitParts,
  decodePdu,
  encodeDeliver,
  encodeStatusReport,
  encodeRelativeValidity,
  decodeRelativeValidity,
} from './pdu.ts';
export { type DeliveryOutcome, type DeliveryVerdict, deliveryOutcome, nextMessageReference, MessageReferenceBook } from './delivery-status.ts';
