// Printers as the connector's settings describe them: id, protocol, transport (serial path and
// speed, or host and port), text encoding and the expected VAT slot programming. Pure: settings in,
// typed configuration and drivers out.
import type { FiscalDriver } from './driver.ts';
import { PRINTER_ENCODINGS, type PrinterEncoding } from './encoding.ts';
import type { OpenLink, PrinterTransport } from './link.ts';
import { PosnetDriver } from './posnet/driver.ts';
import { ThermalDriver } from './thermal/driver.ts';
import { VAT_LETTERS, type VatLetter, type VatRate } from './vat.ts';

export interface PrinterConfig {
  readonly id: string;
  readonly name: string;
  readonly protocol: 'posnet' | 'thermal';
  readonly transport: PrinterTransport;
  readonly encoding: PrinterEncoding;
  /** Expected slots; a device programmed otherwise refuses to print (vatSlotsMismatch). */
  readonly vatSlots: Readonly<Partial<Record<VatLetter, VatRate | 'inactive'>>> | null;
  readonly timeoutMs: number;
  /** Attached to a till PC: only `tessera fiscal agent` there serves it, never the server's processes. */
  readonly agent: boolean;
}

const labels = (pl: string, en: string, ro: string) => ({ 'x-labels': { pl, en, ro }, title: en });

const slotRate = { anyOf: [{ type: 'number', minimum: 0, maximum: 99.99 }, { type: 'string', enum: ['exempt', 'inactive'] }] };

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    defaultPrinter: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$', ...labels('Drukarka domyślna', 'Default printer', 'Imprimantă implicită') },
    printers: {
      type: 'array',
      maxItems: 50,
      ...labels('Drukarki fiskalne', 'Fiscal printers', 'Imprimante fiscale'),
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'protocol', 'transport'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$', ...labels('Identyfikator', 'Id', 'Identificator') },
          name: { type: 'string', maxLength: 100, ...labels('Nazwa', 'Name', 'Nume') },
          protocol: { type: 'string', enum: ['posnet', 'thermal'], ...labels('Protokół', 'Protocol', 'Protocol') },
          transport: { type: 'string', enum: ['serial', 'tcp'], ...labels('Połączenie', 'Connection', 'Conexiune') },
          path: { type: 'string', maxLength: 200, ...labels('Port szeregowy (np. /dev/ttyUSB0)', 'Serial port (e.g. /dev/ttyUSB0)', 'Port serial (ex. /dev/ttyUSB0)') },
          baudRate: { type: 'integer', enum: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200], ...labels('Prędkość (bit/s)', 'Speed (bit/s)', 'Viteză (bit/s)') },
          host: { type: 'string', maxLength: 253, ...labels('Adres IP lub nazwa hosta', 'IP address or host name', 'Adresă IP sau nume gazdă') },
          port: { type: 'integer', minimum: 1, maximum: 65535, ...labels('Port TCP', 'TCP port', 'Port TCP') },
          encoding: { type: 'string', enum: [...PRINTER_ENCODINGS], ...labels('Kodowanie znaków', 'Character encoding', 'Codificare caractere') },
          timeoutSeconds: { type: 'number', minimum: 0.2, maximum: 60, ...labels('Limit czasu odpowiedzi (s)', 'Reply timeout (s)', 'Timp limită de răspuns (s)') },
          agent: { type: 'boolean', default: false, ...labels('Podłączona do komputera stanowiska (obsługuje ją agent)', 'Attached to a till PC (served by its agent)', 'Conectată la calculatorul unui post (deservită de agentul său)') },
          vatSlots: {
            type: 'object',
            additionalProperties: false,
            properties: Object.fromEntries(VAT_LETTERS.map((l) => [l, slotRate])),
            ...labels('Oczekiwane stawki VAT (A–G)', 'Expected VAT rates (A–G)', 'Cote TVA așteptate (A–G)'),
          },
        },
      },
    },
  },
} as const;

interface RawPrinter {
  id: string;
  name?: string;
  protocol: 'posnet' | 'thermal';
  transport: 'serial' | 'tcp';
  path?: string;
  baudRate?: number;
  host?: string;
  port?: number;
  encoding?: PrinterEncoding;
  timeoutSeconds?: number;
  vatSlots?: Partial<Record<VatLetter, VatRate | 'inactive'>>;
  agent?: boolean;
}

/** The printers of the settings; one without a usable transport is left out with a reason. */
export function printersOf(config: { readonly printers?: unknown }): { printers: PrinterConfig[]; problems: string[] } {
  const printers: PrinterConfig[] = [];
  const problems: string[] = [];
  for (const raw of (config.printers ?? []) as RawPrinter[]) {
    let transport: PrinterTransport;
    if (raw.transport === 'tcp') {
      if (!raw.host || !raw.port) {
        problems.push(`printer ${raw.id}: TCP needs host and port`);
        continue;
      }
      if (raw.protocol === 'thermal') {
        problems.push(`printer ${raw.id}: the Thermal protocol runs over a serial port only`);
        continue;
      }
      transport = { kind: 'tcp', host: raw.host, port: raw.port };
    } else {
      if (!raw.path && !raw.agent) {
        problems.push(`printer ${raw.id}: a serial printer needs its port path`);
        continue;
      }
      transport = { kind: 'serial', path: raw.path ?? '', baudRate: raw.baudRate ?? (raw.protocol === 'thermal' ? 9600 : 115200) };
    }
    printers.push({
      id: raw.id,
      name: raw.name ?? raw.id,
      protocol: raw.protocol,
      transport,
      encoding: raw.protocol === 'thermal' ? 'mazovia' : (raw.encoding ?? 'windows-1250'),
      vatSlots: raw.vatSlots ?? null,
      timeoutMs: Math.round((raw.timeoutSeconds ?? 3) * 1000),
      agent: raw.agent === true,
    });
  }
  return { printers, problems };
}

export function driverFor(printer: PrinterConfig, openLink?: OpenLink): FiscalDriver {
  const link = openLink ? { openLink } : {};
  return printer.protocol === 'posnet'
    ? new PosnetDriver({ transport: printer.transport, encoding: printer.encoding, timeoutMs: printer.timeoutMs, ...link })
    : new ThermalDriver({ transport: printer.transport, timeoutMs: printer.timeoutMs, ...link });
}

/** The till PC's side of an agent printer: its own device path (or host:port of a local bridge). */
export interface AgentTarget {
  readonly printer: string;
  readonly device: string;
}

/**
 * The printers this process may serve: an agent (`tessera fiscal agent`) serves its one printer on
 * its own device; every other process serves the printers not attached to a till PC.
 */
export function printersToServe(printers: readonly PrinterConfig[], agent: AgentTarget | null): PrinterConfig[] {
  if (!agent) return printers.filter((p) => !p.agent);
  const printer = printers.find((p) => p.id === agent.printer);
  if (!printer) return [];
  const tcp = /^([^/:]+):(\d+)$/.exec(agent.device);
  const baudRate = printer.transport.kind === 'serial' ? printer.transport.baudRate : printer.protocol === 'thermal' ? 9600 : 115200;
  return [{ ...printer, transport: tcp ? { kind: 'tcp', host: tcp[1]!, port: Number(tcp[2]) } : { kind: 'serial', path: agent.device, baudRate } }];
}
