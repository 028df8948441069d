import client from 'prom-client';
import type { IntakeGate } from './intakeGate';
import type { BatchResponse } from '../../shared/sync/protocol';
import type { SqlDriver } from '../store/sqlDriver';

/**
 * The program server's Prometheus metrics, in a registry of its own per server (tests run several
 * servers in one process; the default registry is global). Everything here is this process's own:
 * Prometheus scrapes every process behind the proxy and sums them (`sum by (route, status)`).
 */
export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({
    name: 'caretill_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new client.Histogram({
    name: 'caretill_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly records = new client.Counter({
    name: 'caretill_records_total',
    help: 'Journal records taken by batch intake, by outcome (accepted, held, rejected) and reason',
    labelNames: ['status', 'reason'] as const,
    registers: [this.registry],
  });
  readonly intakesRefused = new client.Counter({
    name: 'caretill_intakes_refused_total',
    help: 'Batch uploads answered 429 because this process had its maximum of intakes running and waiting',
    registers: [this.registry],
  });

  constructor(sql: SqlDriver, gate: IntakeGate) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'caretill_process_' });
    const pool = (name: string, help: string, pick: (s: NonNullable<ReturnType<NonNullable<SqlDriver['poolStats']>>>) => number) =>
      new client.Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const s = sql.poolStats?.();
          if (s) this.set(pick(s));
        },
      });
    pool('caretill_db_pool_max', 'Database connections this process may open', (s) => s.max);
    pool('caretill_db_pool_connections', 'Database connections open (busy and idle)', (s) => s.total);
    pool('caretill_db_pool_idle', 'Database connections open and idle', (s) => s.idle);
    pool('caretill_db_pool_waiting', 'Queries waiting for a database connection', (s) => s.waiting);
    new client.Gauge({
      name: 'caretill_intakes_in_flight',
      help: 'Batch intakes running in this process',
      registers: [this.registry],
      collect() {
        this.set(gate.runningNow);
      },
    });
    new client.Gauge({
      name: 'caretill_intakes_waiting',
      help: 'Batch uploads waiting for a place to run in this process',
      registers: [this.registry],
      collect() {
        this.set(gate.waitingNow);
      },
    });
    new client.Gauge({ name: 'caretill_intakes_max', help: 'Batch intakes one process runs at once', registers: [this.registry] }).set(
      gate.maxRunning,
    );
  }

  countRecords(response: BatchResponse): void {
    const counts = new Map<string, { status: string; reason: string; n: number }>();
    for (const r of response.results) {
      const key = `${r.status}\u0000${r.reason ?? ''}`;
      const c = counts.get(key) ?? { status: r.status, reason: r.reason ?? '', n: 0 };
      c.n++;
      counts.set(key, c);
    }
    for (const c of counts.values()) this.records.inc({ status: c.status, reason: c.reason }, c.n);
  }
}
