// What the SMS code needs from the engine, as plain callbacks. The connector platform's adapter
// implements these on top of the outbox, the records and the notifications; nothing here imports
// the engine.
import type { StatusUpdate } from './provider.ts';

export interface IncomingSms {
  /** E.164 when the sender is a number, else the sender name as the network gave it. */
  from: string;
  /** The account's own number or modem id, to tell several accounts apart. */
  to: string | null;
  text: string;
  /** When the network received it (ISO, UTC). */
  receivedAt: string;
  /** Provider's id (modem: `<originator>:<reference>`; SMSAPI/Twilio message id). */
  providerId: string;
  parts: number;
}

export interface ModemHealth {
  state: 'opening' | 'ready' | 'reconnecting' | 'closed' | 'failed';
  /** dBm, null when the modem does not know (+CSQ 99). */
  signalDbm: number | null;
  registration: 'home' | 'roaming' | 'searching' | 'denied' | 'not-registered' | 'unknown';
  /** The last error that stopped the modem (e.g. wrong PIN), as a wording code. */
  error: string | null;
}

/** A modem's status report for a part this process did not send (it was sent before a restart, or
 * by another process on the port): the connector finds the part in the database by its TP-MR. */
export interface ModemPartReport {
  /** The TP-MR the modem answered +CMGS with (0–255). */
  messageReference: number;
  /** The recipient the report is about, as the PDU carries it (`+48…`). */
  recipient: string;
  outcome: 'delivered' | 'pending' | 'failed' | 'expired';
  /** TP-ST. */
  status: number;
  at: string;
}

export interface SmsPorts {
  /** A delivery report or callback changed a sent message's status. */
  statusChanged(update: StatusUpdate): Promise<void> | void;
  /** A modem report the driver's memory has no part for (see ModemPartReport). */
  partReport?(report: ModemPartReport): Promise<void> | void;
  /** An incoming SMS, whole (concatenated parts already joined). Resolve only once it is stored:
   * the modem deletes it from the SIM after that. */
  received(message: IncomingSms): Promise<void> | void;
  /** Modem state for the connector's health view. */
  health?(health: ModemHealth): void;
}
