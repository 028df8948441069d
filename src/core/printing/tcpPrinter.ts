import net from 'node:net';
import { PrintFailure } from './printFailure';

/**
 * The network-printer interface handed to node-thermal-printer (its `interface` may be an object).
 * Its own network interface waits for the socket's idle timeout when a printer accepts the job and
 * closes without answering the status query, so a printer that drops jobs looked "slow" for the
 * whole timeout. Here a connection that ends before the answer fails at once as `printer_dropped`.
 */
export class TcpPrinter {
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  static fromUri(uri: string, timeoutMs: number): TcpPrinter | null {
    const m = /^tcp:\/\/([^/:\s]+)(?::(\d{1,5}))?\/?$/i.exec(uri);
    return m ? new TcpPrinter(m[1]!, Number(m[2] ?? 9100), timeoutMs) : null;
  }

  /** Can a connection be opened? The printer probe for the status bar. */
  isPrinterConnected(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: this.host, port: this.port, timeout: this.timeoutMs }, () => {
        socket.destroy();
        resolve(true);
      });
      const no = () => {
        socket.destroy();
        resolve(false);
      };
      socket.on('error', no);
      socket.on('timeout', no);
    });
  }

  execute(buffer: Buffer, options: { waitForResponse?: boolean } = {}): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (err: unknown, value?: Buffer) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        if (err) reject(err);
        else resolve(value);
      };
      const socket = net.connect({ host: this.host, port: this.port, timeout: this.timeoutMs }, () => {
        socket.write(buffer, (err) => {
          if (err) done(err);
          else if (!options.waitForResponse) done(null);
        });
      });
      socket.on('data', (data: Buffer) => {
        if (options.waitForResponse) done(null, data);
      });
      socket.on('error', (err) => done(err));
      socket.on('timeout', () => done(new PrintFailure('printer_timeout', `no answer within ${this.timeoutMs} ms`)));
      // The printer closed before it answered: the job may not have printed. Say so now.
      socket.on('end', () => done(new PrintFailure('printer_dropped', 'the printer closed the connection without answering')));
      socket.on('close', () => done(new PrintFailure('printer_dropped', 'the connection closed before the printer answered')));
    });
  }
}
