import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PrintFailure, sendToPrinter } from '../../src/core/printing/transport';
import { STATUS_QUERY } from '../../src/core/printing/render';

/**
 * Issue 16: what the cashier is told when a print does not reach paper (transport.ts), with real
 * sockets on loopback: an OS printer without a driver, a printer that answers the status query with
 * "paper out", one that takes the job and never answers it.
 */

const failure = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof PrintFailure) return e.code;
    throw e;
  }
  return 'printed';
};

/** A printer on loopback that answers each status query (DLE EOT 4) with `status`, or never. */
async function statusPrinter(status: number | null): Promise<{ uri: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    let seen = Buffer.alloc(0);
    sock.on('data', (d) => {
      seen = Buffer.concat([seen, d]);
      if (status !== null && seen.includes(STATUS_QUERY)) {
        sock.write(Buffer.from([status]));
        seen = Buffer.alloc(0);
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    uri: `tcp://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('sending a job to the printer', () => {
  const open: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c();
  });
  const job = Buffer.concat([Buffer.from('hello\n'), STATUS_QUERY]);

  it('an OS printer needs a driver this till does not have: said so', async () => {
    expect(await failure(sendToPrinter(job, { uri: 'printer:EPSON_TM_T82', timeoutMs: 500, confirm: false }))).toBe(
      'printer_driver_missing',
    );
  });

  it('a printer that answers the status query confirms the job; “paper out” is told as such', async () => {
    const ok = await statusPrinter(0x12);
    open.push(ok.close);
    expect(await failure(sendToPrinter(job, { uri: ok.uri, timeoutMs: 2000, confirm: true }))).toBe('printed');
    const empty = await statusPrinter(0x12 | 0x60);
    open.push(empty.close);
    expect(await failure(sendToPrinter(job, { uri: empty.uri, timeoutMs: 2000, confirm: true }))).toBe('printer_no_paper');
    // Only both paper-end bits mean the roll is out.
    const nearEnd = await statusPrinter(0x12 | 0x20);
    open.push(nearEnd.close);
    expect(await failure(sendToPrinter(job, { uri: nearEnd.uri, timeoutMs: 2000, confirm: true }))).toBe('printed');
  });

  it('a printer that takes the job but never answers the status query has not confirmed it', async () => {
    const silent = await statusPrinter(null);
    open.push(silent.close);
    expect(await failure(sendToPrinter(job, { uri: silent.uri, timeoutMs: 600, confirm: true }))).toBe('printer_timeout');
  });

  it('without confirmation, a printer that takes the bytes has printed', async () => {
    const silent = await statusPrinter(null);
    open.push(silent.close);
    expect(await failure(sendToPrinter(job, { uri: silent.uri, timeoutMs: 600, confirm: false }))).toBe('printed');
  });
});
