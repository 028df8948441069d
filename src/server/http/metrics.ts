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
    /** A gauge read when scraped; `read` gives nothing when there is nothing to say (an embedded database has no pool). */
    const gauge = (name: string, help: string, read: () => number | undefined) =>
      new client.Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const v = read();
          if (v !== undefined) this.set(v);
        },
      });
    const pool = sql.poolStats ? () => sql.poolStats!() : () => undefined;
    gauge('caretill_db_pool_max', 'Database connections this process may open', () => pool()?.max);
    gauge('caretill_db_pool_connections', 'Database connections open (busy and idle)', () => pool()?.total);
    gauge('caretill_db_pool_idle', 'Database connections open and idle', () => pool()?.idle);
    gauge('caretill_db_pool_waiting', 'Queries waiting for a database connection', () => pool()?.waiting);
    gauge('caretill_intakes_in_flight', 'Batch intakes running in this process', () => gate.runningNow);
    gauge('caretill_intakes_waiting', 'Batch uploads waiting for a place to run in this process', () => gate.waitingNow);
    gauge('caretill_intakes_max', 'Batch intakes one process runs at once', () => gate.maxRunning);
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
