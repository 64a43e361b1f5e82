// A Thermal-protocol fiscal printer (old POSNET Thermal, classic Novitus) for a pty: `ESC P … cc
// ESC \` frames with the XOR checksum checked (error 2), Mazovia text, the `#Z` automatic error
// reply after `3#e`, DLE/ENQ status bytes (paper, transaction open PAR, last transaction OK TRF),
// VAT rates in `#s`, receipts `$h` / `$l` / `$y` with the total checked (27), cancel `0$e`, daily
// report `#r`, cash `#i` / `#d`. Faults: damaged frames, power loss after a command (transaction
// lost), the link dropped after a command ran, paper out.
import { decodeMazovia } from '../../connectors/fiscal/mazovia.ts';
import { parseThermalAmount, parseThermalCommand, ThermalDeframer, CAN, DLE, ENQ } from '../../connectors/fiscal/thermal/frame.ts';
import { encodeDle, encodeEnq } from '../../connectors/fiscal/thermal/status.ts';
import type { DeviceIo, EmulatedDevice } from './printer-hosts.ts';

export interface ThermalReceipt {
  lines: { name: string; letter: string; amount: number }[];
  total: number;
  cash: number;
  others: { type: number; amount: number }[];
  change: number;
}

type Trigger = { command: string; nth: number };

export class ThermalPrinterEmulator implements EmulatedDevice {
  private io: DeviceIo | null = null;
  private deframer = new ThermalDeframer();
  rates = ['23.00', '8.00', '5.00', '0.00', '100.00', '101.00', '101.00'];
  readonly printed: ThermalReceipt[] = [];
  readonly commands: string[] = [];
  cancelled = 0;
  dailyReports: string[] = [];
  cashMoves: number[] = [];
  paperOut = false;
  private autoErrors = false;
  private transaction: ThermalReceipt['lines'] | null = null;
  private lastOk = false;
  private counts = new Map<string, number>();
  readonly faults = {
    corruptIncoming: 0,
    powerLoss: null as (Trigger & { downMs: number }) | null,
    dropLink: null as (Trigger & { downMs: number }) | null,
  };

  attach(io: DeviceIo | null): void {
    this.io = io;
    this.deframer = new ThermalDeframer();
  }

  get inTransaction(): boolean {
    return this.transaction !== null;
  }

  receive(chunk: Buffer): void {
    for (const item of this.deframer.feed(chunk)) {
      if (item.kind === 'byte') {
        if (item.value === DLE) this.io?.write(Buffer.of(encodeDle({ online: true, paperOut: this.paperOut, error: false })));
        else if (item.value === ENQ) this.io?.write(Buffer.of(encodeEnq({ fiscal: true, command: true, inTransaction: this.transaction !== null, lastTransactionOk: this.lastOk })));
        else if (item.value === CAN) this.deframer = new ThermalDeframer();
        continue;
      }
      const cmd = parseThermalCommand(item.body);
      if (!cmd) {
        this.error(4);
        continue;
      }
      if (!cmd.checksumOk || this.faults.corruptIncoming > 0) {
        if (this.faults.corruptIncoming > 0) this.faults.corruptIncoming--;
        this.error(2);
        continue;
      }
      this.commands.push(cmd.command);
      this.counts.set(cmd.command, (this.counts.get(cmd.command) ?? 0) + 1);
      const code = this.execute(cmd.params, cmd.command, decodeMazovia(cmd.data));
      const hit = (t: Trigger | null): boolean => t !== null && t.command === cmd.command && this.counts.get(cmd.command) === t.nth;
      if (hit(this.faults.powerLoss)) {
        const { downMs } = this.faults.powerLoss!;
        this.faults.powerLoss = null;
        if (this.transaction) this.lastOk = false;
        this.transaction = null;
        this.autoErrors = false;
        this.io?.drop(downMs);
        continue;
      }
      if (hit(this.faults.dropLink)) {
        const { downMs } = this.faults.dropLink!;
        this.faults.dropLink = null;
        this.io?.drop(downMs);
        continue;
      }
      this.error(code);
    }
  }

  private frame(text: string): void {
    this.io?.write(Buffer.concat([Buffer.of(0x1b, 0x50), Buffer.from(text, 'latin1'), Buffer.of(0x1b, 0x5c)]));
  }

  private error(code: number): void {
    if (this.autoErrors) this.frame(`${code}#Z`);
  }

  private execute(params: number[], command: string, data: string): number {
    switch (command) {
      case '#e':
        this.autoErrors = params[0] === 3;
        return 0;
      case '#s':
        this.frame(`1#X${params[0] ?? 0}/${this.rates.join('/')}/`);
        return 0;
      case '$h':
        if (this.transaction) return 95;
        if (this.paperOut) return 40;
        this.transaction = [];
        this.lastOk = false;
        return 0;
      case '$l': {
        if (!this.transaction) return 40;
        const [name, qty, rest] = data.split('\r');
        const [letter, price, gross, discount] = (rest ?? '').split('/');
        const index = 'ABCDEFG'.indexOf(letter ?? '');
        if (!name) return 16;
        if (!qty || !(Number(qty) > 0)) return 17;
        if (index < 0 || this.rates[index] === '101.00') return 18;
        const p = parseThermalAmount(price ?? '');
        const g = parseThermalAmount(gross ?? '');
        if (p === null) return 19;
        if (g === null || g !== Math.round(p * Number(qty))) return 20;
        this.transaction.push({ name, letter: letter!, amount: g - (parseThermalAmount(discount ?? '0') ?? 0) });
        return 0;
      }
      case '$y': {
        if (!this.transaction) return 40;
        const forms = params[8] ?? 0;
        const types = params.slice(11, 11 + forms);
        const fields = data.split('\r');
        const amounts = (fields[2 + forms] ?? '').split('/').map((a) => parseThermalAmount(a));
        const [total, , , cash, ...rest] = amounts;
        const others = types.map((type, i) => ({ type, amount: rest[i] ?? 0 }));
        const change = rest[forms] ?? 0;
        const sum = this.transaction.reduce((s, l) => s + l.amount, 0);
        if (total !== sum) return 27;
        this.printed.push({ lines: this.transaction, total: sum, cash: cash ?? 0, others, change: change ?? 0 });
        this.transaction = null;
        this.lastOk = true;
        return 0;
      }
      case '$e':
        if (params[0] === 0) {
          if (this.transaction) this.cancelled++;
          this.transaction = null;
          this.lastOk = false;
          return 0;
        }
        return 4;
      case '#r':
        if (this.transaction) return 95;
        this.dailyReports.push(params.slice(1).join('-'));
        return 0;
      case '#i':
      case '#d': {
        const amount = parseThermalAmount(data.replace(/\/$/, ''));
        if (amount === null) return 4;
        this.cashMoves.push(command === '#i' ? amount : -amount);
        return 0;
      }
      default:
        return 4;
    }
  }
}
