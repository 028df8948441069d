import http from 'node:http';
import type net from 'node:net';

export const FAULTS = [
  'ok',
  'drop_before_body',
  'drop_after_body',
  'reset_mid_response',
  'delay_past_timeout',
  'http_500',
  'http_503',
  'duplicate_delivery',
] as const;
export type Fault = (typeof FAULTS)[number];

/**
 * An HTTP proxy on loopback between a till and the program server that misbehaves on purpose:
 * it drops the connection before or after forwarding the body (the server may or may not have
 * acted), resets in the middle of the reply, stalls past the client's timeout, answers 500/503,
 * or delivers the request twice. `pick` chooses the fault for each request.
 */
/** A reply as the proxy passes it on; `alter` may change it (a test playing a man in the middle). */
export interface ProxiedReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export class FaultProxy {
  private server: http.Server | null = null;
  readonly seen = new Map<Fault, number>();
  port = 0;
  /** Rewrites a reply before it goes back to the till (path and method of the request it answers). */
  alter: ((reply: ProxiedReply, req: { method: string; path: string }) => ProxiedReply) | null = null;

  constructor(
    private readonly target: () => string,
    public pick: () => Fault,
    private readonly delayMs = 1500,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const fault = this.pick();
    this.seen.set(fault, (this.seen.get(fault) ?? 0) + 1);
    if (fault === 'drop_before_body') {
      req.socket.destroy();
      return;
    }
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
    if (fault === 'http_503') {
      res.writeHead(503).end('busy');
      return;
    }
    const forward = async () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>;
      const r = await fetch(`${this.target()}${req.url}`, { method: req.method ?? 'GET', headers, ...(body.length ? { body } : {}) });
      return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
    };
    let answer;
    try {
      if (fault === 'delay_past_timeout') await new Promise((r) => setTimeout(r, this.delayMs));
      answer = await forward();
      if (fault === 'duplicate_delivery') answer = await forward();
    } catch {
      res.socket?.destroy();
      return;
    }
    if (fault === 'drop_after_body') {
      req.socket.destroy();
      return;
    }
    if (fault === 'http_500') {
      res.writeHead(500).end('oops');
      return;
    }
    if (res.destroyed) return;
    let headers: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
    // The ETag and the program's reply signature pass through, as any proxy would leave them.
    for (const name of ['etag', 'x-caretill-reply-signature', 'x-caretill-reply-key']) {
      const value = answer.headers.get(name);
      if (value) headers[name] = value;
    }
    if (this.alter) {
      const altered = this.alter(
        { status: answer.status, headers, body: answer.body },
        { method: req.method ?? 'GET', path: req.url ?? '' },
      );
      answer = { ...answer, status: altered.status, body: altered.body };
      headers = altered.headers;
    }
    if (fault === 'reset_mid_response') {
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
      res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
      setTimeout(() => (req.socket as net.Socket).resetAndDestroy(), 5);
      return;
    }
    res.writeHead(answer.status, headers).end(answer.body);
  }
}
