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

export interface SmsPorts {
  /** A delivery report or callback changed a sent message's status. */
  statusChanged(update: StatusUpdate): Promise<void> | void;
  /** An incoming SMS, whole (concatenated parts already joined). Resolve only once it is stored:
   * the modem deletes it from the SIM after that. */
  received(message: IncomingSms): Promise<void> | void;
  /** Modem state for the connector's health view. */
  health?(health: ModemHealth): void;
}
