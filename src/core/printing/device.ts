import fs from 'node:fs';
import { PosError } from '../../shared/api/errors';
import type { PrintErrorCode, PrinterSettings } from '../../shared/api/schemas/printing';
import { PrintFailure } from './printFailure';
import { TcpPrinter } from './tcpPrinter';

/**
 * A device printer's path must name a device. The schema already allows only /dev/…, COMn, LPTn and
 * \\host\share; here a /dev path that exists must be a character device (a USB printer, a serial
 * port), never a regular file or a link to one: otherwise "print a test page" could overwrite any
 * file the till can write. A path that does not exist yet (printer unplugged) may be saved; it is
 * checked again before every job.
 */
export function printerDeviceProblem(uri: string): 'not_device' | 'missing' | null {
  if (!uri.startsWith('/')) return null; // COMn, LPTn, \\host\share: Windows resolves them itself
  let st: fs.Stats;
  try {
    st = fs.statSync(uri); // follows links: what matters is what the bytes would reach
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  return st.isCharacterDevice() ? null : 'not_device';
}

/** For saving the settings: refuse a path that is not a device, with a reason the owner can act on. */
export function assertSavableDevice(uri: string): void {
  if (printerDeviceProblem(uri) === 'not_device') {
    throw new PosError('printer_not_device', `${uri} is not a printer device`, { field: 'args.uri', params: { uri } });
  }
}

/** Before each job: the same check, as a print failure that the queue records and retries. */
export function assertPrintableDevice(uri: string): void {
  const problem = printerDeviceProblem(uri);
  if (problem === 'missing') throw new PrintFailure('printer_unreachable', `${uri} does not exist`);
  if (problem === 'not_device') throw new PrintFailure('printer_not_device', `${uri} is not a character device`);
}

/**
 * Is the configured printer there? A TCP connect for a network printer (a printer that is off
 * refuses or does not answer), the device check for a local one. OS printers cannot be probed
 * without a driver: they count as present until a job says otherwise.
 */
export async function probePrinter(c: PrinterSettings): Promise<PrintErrorCode | null> {
  if (c.kind === 'network') {
    const tcp = TcpPrinter.fromUri(c.uri, Math.min(c.timeoutMs, 3000));
    return tcp && (await tcp.isPrinterConnected()) ? null : 'printer_offline';
  }
  if (c.kind === 'device') {
    const problem = printerDeviceProblem(c.uri);
    return problem === 'missing' ? 'printer_unreachable' : problem === 'not_device' ? 'printer_not_device' : null;
  }
  return null;
}
