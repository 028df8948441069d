import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { createStream } from 'rotating-file-stream';

export type { Logger } from 'pino';

/** The log's folder inside the data folder, and its current file's name. */
export const LOG_DIR = 'logs';
export const LOG_FILE = 'caretill.log';

export interface LogOptions {
  dataDir: string;
  /** Also write to stderr (development, the Node host's console). */
  stderr?: boolean;
  level?: pino.Level;
}

/**
 * The till's structured log: JSON lines in <data dir>/logs/caretill.log, rotated daily and at
 * 5 MB, 10 files kept, so a shop owner who phones for help has something to send. Every background
 * failure is logged here with its context. Secrets never are: the redact list below is the last
 * guard, callers pass ids and codes, not tokens, PINs or keys.
 */
export function createLog(o: LogOptions): Logger {
  const dir = path.join(o.dataDir, LOG_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = createStream(LOG_FILE, { path: dir, size: '5M', interval: '1d', maxFiles: 10, mode: 0o600 });
  // A log that cannot be written must never stop a sale: report once on stderr and carry on.
  file.on('error', (e) => process.stderr.write(`CareTill log file error: ${String(e)}\n`));
  const streams: pino.StreamEntry[] = [{ stream: file }];
  if (o.stderr) streams.push({ stream: process.stderr });
  return pino(
    {
      level: o.level ?? 'info',
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['*.pin', '*.ownerPin', '*.token', '*.sessionToken', '*.privateKey', '*.code', 'pin', 'token'], censor: '[secret]' },
    },
    pino.multistream(streams),
  );
}

/** A logger that drops everything (unit tests of a single service). */
export const silentLog = (): Logger => pino({ level: 'silent' });

/**
 * The last lines of the log for the diagnostics screen, newest last. Reads only the tail of the
 * current file, so a large log costs nothing.
 */
export function tailLog(dataDir: string, lines: number): string[] {
  const file = path.join(dataDir, LOG_DIR, LOG_FILE);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    // Nothing logged yet is an empty log; anything else (permissions) is for the caller to show.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(length);
    fs.readSync(fd, buf, 0, length, size - length);
    const all = buf.toString('utf8').split('\n').filter(Boolean);
    // The first line may be cut in the middle when the tail started inside it.
    if (length < size) all.shift();
    return all.slice(-lines);
  } finally {
    fs.closeSync(fd);
  }
}
