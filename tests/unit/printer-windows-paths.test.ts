import { afterEach, describe, expect, it, vi } from 'vitest';
import { printerDeviceProblem } from '../../src/core/printing/device';
import { sendToPrinter } from '../../src/core/printing/transport';
import { createServices, type Services } from '../../src/core/services';
import { DEFAULT_PRINTER } from '../../src/core/system/settingKeys';
import { PRINTER_DEVICE, printerSettingsSchema } from '../../src/shared/api/schemas/printing';
import { tempDir } from '../helpers/tmp';

// node-thermal-printer would write a UNC path as a file in the working folder on Linux: record instead.
const sent = vi.hoisted(() => [] as Array<{ iface: unknown; bytes: Buffer }>);
vi.mock('node-thermal-printer', () => {
  class ThermalPrinter {
    private bytes = Buffer.alloc(0);
    constructor(private readonly o: { interface: unknown }) {}
    clear() {
      this.bytes = Buffer.alloc(0);
    }
    add(b: Buffer) {
      this.bytes = Buffer.concat([this.bytes, b]);
    }
    execute() {
      sent.push({ iface: this.o.interface, bytes: this.bytes });
      return Promise.resolve('Print done');
    }
  }
  return { ThermalPrinter, PrinterTypes: { EPSON: 'epson' } };
});

/**
 * A Windows shop's receipt printer as the printer screen's help describes it: a USB printer shared
 * as \\localhost\ShareName (Windows' spooler passes the bytes through raw), or a serial port COMn
 * (\\.\COMn from COM10 on). Both are device paths, not files, and reach the printer unchanged.
 */
const shared = ['\\\\localhost\\POS58', '\\\\LOCALHOST\\Receipt Printer', '\\\\SHOP-PC\\POS80', '\\\\127.0.0.1\\xp58'];
const serial = ['COM1', 'COM3', 'com4', '\\\\.\\COM10', '\\\\.\\COM255', 'LPT1'];

let services: Services | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  services?.close();
  cleanup?.();
  services = undefined;
  sent.length = 0;
});

describe('Windows printer paths', () => {
  it('a shared printer (\\\\localhost\\Share) and a serial port (COMn) are printer devices', () => {
    for (const uri of [...shared, ...serial]) {
      expect(PRINTER_DEVICE.test(uri), uri).toBe(true);
      expect(printerSettingsSchema.safeParse({ ...DEFAULT_PRINTER, kind: 'device', uri }).success, uri).toBe(true);
      // Windows resolves these names itself: nothing on this disk is looked at.
      expect(printerDeviceProblem(uri), uri).toBeNull();
    }
  });

  it('a file, a folder, a share with a path in it or an escape is never taken for a printer', () => {
    for (const uri of [
      'C:\\Users\\shop\\notes.txt',
      'C:/Users/shop/notes.txt',
      '\\\\localhost\\',
      '\\\\localhost\\POS58\\..\\..\\notes.txt',
      '\\\\localhost\\share\\sub',
      '\\\\localhost\\a:b',
      '\\\\..\\POS58',
      'COM',
      'COM1000',
      '\\\\.\\PhysicalDrive0',
      'notes.txt',
    ]) {
      expect(PRINTER_DEVICE.test(uri), uri).toBe(false);
      expect(printerSettingsSchema.safeParse({ ...DEFAULT_PRINTER, kind: 'device', uri }).success, uri).toBe(false);
    }
  });

  it('the owner can save a shared printer, and a receipt reaches it byte for byte', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    services = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'test' });
    const saved = await services.printing.saveConfig({ ...DEFAULT_PRINTER, kind: 'device', uri: '\\\\localhost\\POS58' });
    expect(saved.uri).toBe('\\\\localhost\\POS58');
    expect(services.settings.get('printer.config').uri).toBe('\\\\localhost\\POS58');

    const receipt = Buffer.from([0x1b, 0x40, 0x1c, 0x26, 0xb9, 0xd8, 0xb0, 0xae, 0x0a, 0x1d, 0x56, 0x00]); // init, FS &, 关爱 (GB18030), cut
    for (const uri of ['\\\\localhost\\POS58', 'COM3', '\\\\.\\COM12']) {
      await sendToPrinter(receipt, { uri, timeoutMs: 1000, confirm: true });
    }
    expect(sent.map((s) => s.iface)).toEqual(['\\\\localhost\\POS58', 'COM3', '\\\\.\\COM12']);
    for (const s of sent) expect(s.bytes.equals(receipt)).toBe(true);
  });
});
