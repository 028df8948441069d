import { PosError } from '../../shared/api/errors';
import { zReportSchema, type ShiftState, type ZReport } from '../../shared/api/schemas/backoffice';
import type { Session } from '../auth/users';
import type { Db } from '../db/open';
import type { Journal } from '../journal/journal';
import { computeZReport, readZReport } from './zReport';

interface ShiftRow {
  id: number;
  opened_at: string;
  opened_by: number;
  opening_float_fen: number;
  from_seq: number;
  closed_at: string | null;
  closed_by: number | null;
  counted_cash_fen: number | null;
  to_seq: number | null;
  report: string | null;
}

export interface ShiftDeps {
  db: Db;
  journal: Journal;
  now: () => number;
  campaignName: (id: number) => string;
  /** Receipts and uploads still on their way: a day close names them (or waits for them). */
  pending: () => { printing: number; uploads: number };
}

/**
 * Shifts and day close (交班/日结): an optional opening float, the counted cash against what the
 * drawer should hold, and a numbered Z-report frozen at close. Each shift owns the journal records
 * after the previous close up to the head at its own close, so no record is ever in two Z-reports
 * or in none, whether or not anyone opened the shift first.
 */
export class ShiftBook {
  constructor(private readonly d: ShiftDeps) {}

  private openRow(): ShiftRow | undefined {
    return this.d.db.prepare<[], ShiftRow>('SELECT * FROM shifts WHERE closed_at IS NULL').get();
  }

  private lastClosed(): ShiftRow | undefined {
    return this.d.db.prepare<[], ShiftRow>('SELECT * FROM shifts WHERE closed_at IS NOT NULL ORDER BY id DESC LIMIT 1').get();
  }

  private nextFromSeq(): number {
    return (this.lastClosed()?.to_seq ?? 0) + 1;
  }

  private userName(id: number): string {
    return (this.d.db.prepare('SELECT name FROM users WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? String(id);
  }

  /** Opens the shift with the float in the drawer. Records since the last close belong to it. */
  open(by: Session, openingFloatFen: number): ShiftState {
    this.d.db
      .transaction(() => {
        if (this.openRow()) throw new PosError('shift_open', 'a shift is already open');
        this.d.db
          .prepare('INSERT INTO shifts (opened_at, opened_by, opening_float_fen, from_seq) VALUES (?, ?, ?, ?)')
          // Sales since the last close belong to this shift: it began with the first of them, if earlier.
          .run(this.firstRecordTimeSinceClose() ?? new Date(this.d.now()).toISOString(), by.id, openingFloatFen, this.nextFromSeq());
      })
      .immediate();
    return this.state();
  }

  state(): ShiftState {
    const open = this.openRow();
    const last = this.lastClosed();
    const head = this.d.journal.head().seq;
    let openView: ShiftState['open'] = null;
    const from = open?.from_seq ?? this.nextFromSeq();
    if (open || head >= from) {
      const z = this.compute(open, from, head, 0, null);
      openView = {
        number: z.number,
        started: open !== undefined,
        openedAt: z.openedAt,
        openedBy: z.openedBy,
        openingFloatFen: z.cash.openingFloatFen,
        expectedCashFen: z.cash.expectedFen,
        salesCount: z.sales.count,
      };
    }
    return {
      open: openView,
      lastClosed: last ? { number: last.id, closedAt: last.closed_at! } : null,
      pending: this.d.pending(),
    };
  }

  /**
   * Closes the shift: counted cash in, Z-report out, frozen for good. With receipts or uploads
   * still on their way the close is refused with what is pending, unless the person closing says
   * to go ahead (the Z-report then shows them as pending).
   */
  close(by: Session, countedCashFen: number, confirmPending: boolean): ZReport {
    const pending = this.d.pending();
    if (!confirmPending && (pending.printing > 0 || pending.uploads > 0)) {
      throw new PosError('close_pending', 'receipts or uploads are still pending', { params: pending });
    }
    const number = this.d.db
      .transaction((): number => {
        const nowIso = new Date(this.d.now()).toISOString();
        let open = this.openRow();
        if (!open) {
          // Nobody opened the shift: it opens now, with no float, and owns everything since the last close.
          const id = Number(
            this.d.db
              .prepare('INSERT INTO shifts (opened_at, opened_by, opening_float_fen, from_seq) VALUES (?, ?, 0, ?)')
              .run(this.firstRecordTimeSinceClose() ?? nowIso, by.id, this.nextFromSeq()).lastInsertRowid,
          );
          open = this.d.db.prepare<[number], ShiftRow>('SELECT * FROM shifts WHERE id = ?').get(id)!;
        }
        const head = this.d.journal.head().seq;
        const report = this.compute(open, open.from_seq, head, countedCashFen, { at: nowIso, by: by.name });
        this.d.db
          .prepare('UPDATE shifts SET closed_at = ?, closed_by = ?, counted_cash_fen = ?, to_seq = ?, report = ? WHERE id = ?')
          .run(nowIso, by.id, countedCashFen, head, JSON.stringify(report), open.id);
        return open.id;
      })
      .immediate();
    return this.zReport(number);
  }

  /** A closed shift's Z-report exactly as it was frozen at close. */
  zReport(number: number): ZReport {
    const z = readZReport(this.d.db, number);
    if (!z) throw new PosError('zreport_not_found', `no Z-report ${number}`, { params: { number } });
    return z;
  }

  list(limit = 100): Array<{ number: number; openedAt: string; closedAt: string; voucherFen: number; differenceFen: number }> {
    return this.d.db
      .prepare<[number], ShiftRow>('SELECT * FROM shifts WHERE closed_at IS NOT NULL ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => {
        const z = zReportSchema.parse(JSON.parse(r.report!));
        return {
          number: r.id,
          openedAt: r.opened_at,
          closedAt: r.closed_at!,
          voucherFen: z.sales.voucherFen - z.voids.voucherFen,
          differenceFen: z.cash.differenceFen,
        };
      });
  }

  private firstRecordTimeSinceClose(): string | null {
    return (
      this.d.db.prepare<[number], { time: string }>('SELECT time FROM journal WHERE seq >= ? ORDER BY seq LIMIT 1').get(this.nextFromSeq())
        ?.time ?? null
    );
  }

  private compute(
    open: ShiftRow | undefined,
    from: number,
    to: number,
    counted: number,
    closed: { at: string; by: string } | null,
  ): ZReport {
    const nowIso = new Date(this.d.now()).toISOString();
    const nextNumber = () => ((this.d.db.prepare('SELECT MAX(id) AS n FROM shifts').get() as { n: number | null }).n ?? 0) + 1;
    return computeZReport(
      this.d.db,
      {
        number: open?.id ?? nextNumber(),
        openedAt: open?.opened_at ?? this.firstRecordTimeSinceClose() ?? nowIso,
        closedAt: closed?.at ?? nowIso,
        openedBy: open ? this.userName(open.opened_by) : '',
        closedBy: closed?.by ?? '',
        openingFloatFen: open?.opening_float_fen ?? 0,
        countedCashFen: counted,
        fromSeq: from,
        toSeq: to,
      },
      this.d.campaignName,
    );
  }
}
