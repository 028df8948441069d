import net from 'node:net';

export type PrinterMode = 'ok' | 'silent' | 'reset' | 'paper_out' | 'hangup';

/**
 * A receipt printer on loopback TCP that records the exact bytes of each job (one connection =
 * one job) and answers the DLE EOT status query like a real one. Modes simulate faults:
 * silent (takes the bytes, never answers), reset (drops the connection mid-job with RST),
 * paper_out (answers "paper end"), hangup (takes the first bytes and closes the connection at once). stop()/start() simulate power off and on at the same port.
 */
export class FakePrinter {
  mode: PrinterMode = 'ok';
  readonly jobs: Buffer[] = [];
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;

  async start(port = this.port): Promise<void> {
    this.server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  get uri(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const chunks: Buffer[] = [];
    const mode = this.mode;
    let received = 0;
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      received += d.length;
      if (mode === 'hangup') {
        socket.end();
        return;
      }
      if (mode === 'reset' && received > 64) {
        socket.resetAndDestroy();
        return;
      }
      const all = Buffer.concat(chunks);
      // DLE EOT n: the status query the till appends; answer once the whole job is in.
      if (all.length >= 3 && all[all.length - 3] === 0x10 && all[all.length - 2] === 0x04) {
        this.jobs.push(all);
        if (mode === 'ok') socket.write(Buffer.from([0x12]));
        else if (mode === 'paper_out') socket.write(Buffer.from([0x72]));
        // silent: never answer
      }
    });
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      if (mode !== 'reset' && all.length && !this.jobs.includes(all) && !(all[all.length - 3] === 0x10)) this.jobs.push(all);
    });
  }
}

/** A port on loopback that nobody listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
