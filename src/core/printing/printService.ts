import QRCode from 'qrcode';
import type { ZReport } from '../../shared/api/schemas/backoffice';
import type { CompletedSale } from '../../shared/api/schemas/checkout';
import type { PrinterSettings, PrinterState, PrintJob, ReceiptPreview } from '../../shared/api/schemas/printing';
import type { Db } from '../db/open';
import type { Logger } from '../system/log';
import type { SettingsStore } from '../system/settings';
import { assertSavableDevice, probePrinter } from './device';
import { esc, receiptDocument, type ReceiptCopy, type ReceiptDoc } from './receiptDocument';
import { COLUMNS, toEscpos, toPreviewLines } from './render';
import { zReportDocument } from './zReportDocument';
import { PrintFailure, sendToPrinter, type PrintErrorCode, type TransportOptions } from './transport';

interface JobRow {
  id: number;
  kind: 'receipt' | 'test' | 'zreport';
  sale_id: string | null;
  copy: 'beneficiary' | 'shop' | 'test' | 'original' | 'reprint';
  shift_id: number | null;
  status: 'queued' | 'done' | 'cancelled';
  attempts: number;
  last_error: PrintErrorCode | null;
  next_attempt_at: string;
  created_at: string;
  printed_at: string | null;
}

export interface PrintDeps {
  db: Db;
  settings: SettingsStore;
  /** Reads a recorded sale (SaleQueries.get): printing only ever reads sales. */
  sale: (saleId: string) => CompletedSale;
  /** Reads a closed shift's Z-report (readZReport). */
  zReport: (number: number) => ZReport | null;
  log: Logger;
  shopName: () => string;
  tillId: () => string;
  timeZone: () => string;
  now: () => number;
  /** The transport; tests may wrap it, production uses node-thermal-printer. */
  send?: (bytes: Buffer, o: TransportOptions) => Promise<void>;
  /** First retry delay; doubles each attempt up to a minute, with ±20% jitter. */
  retryBaseMs?: number;
  /** Is the printer there? Production probes TCP or the device; tests may replace it. */
  probe?: (c: PrinterSettings) => Promise<PrintErrorCode | null>;
}

/** How often the printer is looked for while nothing is printing (status bar truth between sales). */
export const PROBE_EVERY_MS = 30_000;

/**
 * Receipts: one document rendered to ESC/POS and to the preview, a persisted queue, and a worker
 * that prints in order and retries with backoff. Printing never blocks or undoes a sale: jobs are
 * queued inside the sale's transaction and printed after it has committed.
 */
export class PrintService {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** A kick arrived while a job was being sent: go round again (and retry at once) when it finishes. */
  private rerun = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  /** What the last probe or job found: null = the printer answered. One state for the status bar and the queue. */
  private reachability: { uri: string; problem: PrintErrorCode | null } | null = null;
  private probeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly d: PrintDeps) {}

  /**
   * Looks for the printer now (on save, at start, then every PROBE_EVERY_MS): a printer that was
   * saved but is off shows as a fault at once, not only after the next sale's receipt fails.
   */
  async probe(): Promise<void> {
    const c = this.config();
    if (c.kind === 'none') {
      this.reachability = null;
      return;
    }
    const problem = await (this.d.probe ?? probePrinter)(c);
    if (this.stopped || this.config().uri !== c.uri) return; // closed, or the settings changed meanwhile: that probe is stale
    if (problem !== this.reachability?.problem) this.d.log.info({ kind: c.kind, problem }, 'printer probe');
    this.reachability = { uri: c.uri, problem };
    // Back after being away: whatever waits can print now.
    if (problem === null && this.state().waiting > 0) this.retryNow();
  }

  startMonitor(everyMs = PROBE_EVERY_MS): void {
    const tick = () => {
      this.probe()
        .catch((err: unknown) => this.d.log.warn({ err }, 'printer probe failed'))
        .finally(() => {
          if (!this.stopped) (this.probeTimer = setTimeout(tick, everyMs)).unref();
        });
    };
    tick();
  }

  config(): PrinterSettings {
    return this.d.settings.get('printer.config');
  }

  /** Saving the settings is usually "I fixed the printer": waiting receipts are tried right away. */
  async saveConfig(c: PrinterSettings): Promise<PrinterSettings> {
    if (c.kind === 'device') assertSavableDevice(c.uri);
    this.d.settings.set('printer.config', c);
    this.reachability = null;
    await this.probe();
    if (!this.stopped) this.retryNow();
    return c;
  }

  /** Queues the configured copies of a sale's receipt. Call inside the sale's transaction. */
  enqueueReceipts(saleId: string): number[] {
    const c = this.config();
    if (c.kind === 'none') return [];
    const copies: ReceiptCopy[] = [...(c.copies.beneficiary ? ['beneficiary' as const] : []), ...(c.copies.shop ? ['shop' as const] : [])];
    return copies.map((copy) => this.enqueue('receipt', saleId, copy));
  }

  /** A Z-report on paper; any print after the first says "reprint". */
  enqueueZReport(number: number): number {
    const printed = this.d.db.prepare("SELECT 1 FROM print_jobs WHERE kind = 'zreport' AND shift_id = ?").get(number) !== undefined;
    const now = new Date(this.d.now()).toISOString();
    return Number(
      this.d.db
        .prepare(
          "INSERT INTO print_jobs (kind, shift_id, copy, status, next_attempt_at, created_at) VALUES ('zreport', ?, ?, 'queued', ?, ?)",
        )
        .run(number, printed ? 'reprint' : 'original', now, now).lastInsertRowid,
    );
  }

  enqueue(kind: 'receipt' | 'test', saleId: string | null, copy: ReceiptCopy | 'test'): number {
    const now = new Date(this.d.now()).toISOString();
    return Number(
      this.d.db
        .prepare('INSERT INTO print_jobs (kind, sale_id, copy, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(kind, saleId, copy, 'queued', now, now).lastInsertRowid,
    );
  }

  document(saleId: string, copy: ReceiptCopy): ReceiptDoc {
    const width = this.config().width;
    return receiptDocument(this.d.sale(saleId), {
      columns: COLUMNS[width],
      shopName: this.d.shopName(),
      tillId: this.d.tillId(),
      timeZone: this.d.timeZone(),
      copy,
    });
  }

  async preview(saleId: string, copy: ReceiptCopy): Promise<ReceiptPreview> {
    const width = this.config().width;
    const doc = this.document(saleId, copy);
    const qrSvg = await QRCode.toString(doc.qr, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { width, ...toPreviewLines(doc, width), qr: doc.qr, qrSvg };
  }

  private zReportBytes(number: number, reprint: boolean, c: PrinterSettings): Buffer {
    const z = this.d.zReport(number);
    if (!z) throw new PrintFailure('printer_error', `no Z-report ${number}`);
    const doc = zReportDocument(z, {
      columns: COLUMNS[c.width],
      shopName: this.d.shopName(),
      tillId: this.d.tillId(),
      timeZone: this.d.timeZone(),
      reprint,
    });
    return toEscpos(doc, { width: c.width, qr: c.qr, drawer: false, confirm: c.confirm });
  }

  jobs(limit = 50): PrintJob[] {
    return this.d.db.prepare<[number], JobRow>('SELECT * FROM print_jobs ORDER BY id DESC LIMIT ?').all(limit).map(toJob);
  }

  state(): PrinterState {
    const c = this.config();
    const waiting = (this.d.db.prepare("SELECT count(*) AS n FROM print_jobs WHERE status = 'queued'").get() as { n: number }).n;
    const oldest = this.d.db
      .prepare<[], { last_error: PrintErrorCode | null }>("SELECT last_error FROM print_jobs WHERE status = 'queued' ORDER BY id LIMIT 1")
      .get();
    if (c.kind === 'none') return { status: 'not_configured', waiting, lastError: null };
    const probed = this.reachability?.uri === c.uri ? this.reachability.problem : null;
    const lastError = oldest?.last_error ?? probed;
    return { status: lastError ? 'error' : 'ready', waiting, lastError };
  }

  cancel(jobId: number): void {
    this.d.db.prepare("UPDATE print_jobs SET status = 'cancelled' WHERE id = ? AND status = 'queued'").run(jobId);
  }

  /** Retry everything waiting now, not at its scheduled time (the cashier fixed the printer). */
  retryNow(): void {
    this.d.db.prepare("UPDATE print_jobs SET next_attempt_at = ? WHERE status = 'queued'").run(new Date(this.d.now()).toISOString());
    this.kick();
  }

  /** Starts the worker if it is not already printing. */
  kick(): void {
    if (this.stopped) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) this.rerun = true;
    else this.idle = this.drain();
  }

  /** Resolves when the worker has nothing due (for tests and shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const current = this.idle;
      await current;
      if (current === this.idle) return;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (;;) {
        if (this.stopped) return;
        const c = this.config();
        if (c.kind === 'none') return;
        const nowIso = new Date(this.d.now()).toISOString();
        const job = this.d.db.prepare<[], JobRow>("SELECT * FROM print_jobs WHERE status = 'queued' ORDER BY id LIMIT 1").get();
        if (!job) return;
        if (job.next_attempt_at > nowIso) {
          this.schedule(Date.parse(job.next_attempt_at) - this.d.now());
          return;
        }
        try {
          const bytes =
            job.kind === 'test'
              ? testPage(c, this.d.shopName())
              : job.kind === 'zreport'
                ? this.zReportBytes(job.shift_id!, job.copy === 'reprint', c)
                : toEscpos(this.document(job.sale_id!, job.copy as ReceiptCopy), {
                    width: c.width,
                    qr: c.qr,
                    drawer: c.drawer && job.copy === 'beneficiary',
                    confirm: c.confirm,
                  });
          await (this.d.send ?? sendToPrinter)(bytes, { uri: c.uri, timeoutMs: c.timeoutMs, confirm: c.confirm });
          if (this.stopped) return; // printed, but the database is closing: it prints again at the next start
          this.d.db
            .prepare("UPDATE print_jobs SET status = 'done', attempts = attempts + 1, last_error = NULL, printed_at = ? WHERE id = ?")
            .run(new Date(this.d.now()).toISOString(), job.id);
          this.reachability = { uri: c.uri, problem: null };
        } catch (e) {
          if (this.stopped) return; // the till is closing: the job stays queued for the next start
          const code: PrintErrorCode = e instanceof PrintFailure ? e.code : 'printer_error';
          const attempts = job.attempts + 1;
          this.d.log.warn(
            { jobId: job.id, kind: job.kind, code, attempts, err: e instanceof PrintFailure ? undefined : e },
            'printing failed',
          );
          const base = this.d.retryBaseMs ?? 2000;
          // A retry asked for while this attempt was under way gets one more attempt at once; otherwise back off.
          const retryAtOnce = this.rerun;
          const delay = retryAtOnce ? 0 : Math.min(60_000, base * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);
          this.d.db
            .prepare('UPDATE print_jobs SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?')
            .run(attempts, code, new Date(this.d.now() + delay).toISOString(), job.id);
          // Keep order: nothing behind a failed receipt prints before it.
          if (!retryAtOnce) this.schedule(delay);
          return;
        }
      }
    } finally {
      this.running = false;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.idle = this.drain();
      }
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.kick();
      },
      Math.max(0, ms),
    );
    this.timer.unref();
  }
}

function toJob(r: JobRow): PrintJob {
  return {
    id: r.id,
    kind: r.kind,
    saleId: r.sale_id,
    shiftNumber: r.shift_id,
    copy: r.copy,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    printedAt: r.printed_at,
  };
}

/** A test page: Chinese text, the column ruler for the configured width, and a QR code. */
function testPage(c: PrinterSettings, shopName: string): Buffer {
  const cols = COLUMNS[c.width];
  const ruler = '1234567890'.repeat(5).slice(0, cols);
  const before = `{width:*}\n^^${esc(shopName)}\n打印测试 Test print\n|${c.width}mm ${cols} 列\n|中文测试：关爱收银台 ￥123.45\n|${ruler}\n`;
  return toEscpos(
    { before, qr: 'CT-TEST', after: '{width:*}\n打印机工作正常\n' },
    { width: c.width, qr: c.qr, drawer: false, confirm: c.confirm },
  );
}
