import { ThermalPrinter, PrinterTypes } from 'node-thermal-printer';

import { assertPrintableDevice } from './device';
import { PrintFailure } from './printFailure';
import { TcpPrinter } from './tcpPrinter';

export { PrintFailure } from './printFailure';

export type { PrintErrorCode } from '../../shared/api/schemas/printing';

export interface TransportOptions {
  /** tcp://host:9100, a device file (/dev/usb/lp0, \\\\.\\COM3, \\\\pc\\printer) or printer:NAME (OS printer, needs a driver). */
  uri: string;
  timeoutMs: number;
  /** Wait for the printer's answer to the status query at the end of the job (network printers). */
  confirm: boolean;
}

/**
 * Sends bytes through node-thermal-printer, which handles TCP, device files and OS printers.
 * Its failures arrive in many shapes (Error objects, bare strings, a 5-second file timeout);
 * they are turned into one code each, which the cashier sees in words.
 */
export async function sendToPrinter(bytes: Buffer, o: TransportOptions): Promise<void> {
  const isNetwork = /^tcp:\/\//i.test(o.uri);
  if (!isNetwork && !/^printer:/i.test(o.uri)) assertPrintableDevice(o.uri);
  let printer: ThermalPrinter;
  try {
    const iface = isNetwork ? TcpPrinter.fromUri(o.uri, o.timeoutMs) : null;
    printer = new ThermalPrinter({
      type: PrinterTypes.EPSON,
      // node-thermal-printer takes an interface object too: ours fails at once when a printer hangs up.
      interface: (iface ?? o.uri) as unknown as string,
      options: { timeout: o.timeoutMs },
    });
  } catch (e) {
    throw new PrintFailure(/driver/i.test(String(e)) ? 'printer_driver_missing' : 'printer_error', String(e));
  }
  printer.clear();
  printer.add(bytes);
  const confirm = isNetwork && o.confirm;
  let answer: unknown;
  try {
    answer = await withTimeout(printer.execute({ waitForResponse: confirm }), o.timeoutMs + 1000);
  } catch (e) {
    throw classify(e);
  }
  if (confirm) {
    const status = Buffer.isBuffer(answer) ? answer[answer.length - 1] : undefined;
    if (status === undefined) throw new PrintFailure('printer_dropped', 'no status answer');
    // DLE EOT 4 answer: bits 5 and 6 set = paper roll end.
    if ((status & 0x60) === 0x60) throw new PrintFailure('printer_no_paper', `status 0x${status.toString(16)}`);
  }
}

function classify(e: unknown): PrintFailure {
  if (e instanceof PrintFailure) return e;
  const code = (e as { code?: string } | null)?.code;
  const text = e instanceof Error ? e.message : String(e);
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL')
    return new PrintFailure('printer_offline', text);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new PrintFailure('printer_dropped', text);
  if (code === 'ETIMEDOUT' || /timeout/i.test(text) || text === 'Printer Error') return new PrintFailure('printer_timeout', text);
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EBUSY') return new PrintFailure('printer_unreachable', text);
  if (/driver/i.test(text)) return new PrintFailure('printer_driver_missing', text);
  return new PrintFailure('printer_error', text);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new PrintFailure('printer_timeout', `no answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error || typeof e === 'string' ? e : new Error(String(e)));
      },
    );
  });
}
