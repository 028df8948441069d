import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

/** How many lines the saved file holds: enough for a day of trouble, small enough to e-mail. */
const SAVE_LINES = 2000;

interface LogLine {
  time: string;
  level: string;
  text: string;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One pino JSON line, made readable: time (shown in the shop's zone), level, message and the context fields. */
function readLine(raw: string): LogLine {
  try {
    const { time, level, msg, ...rest } = JSON.parse(raw) as { time?: string; level?: number; msg?: string } & Record<string, unknown>;
    const context = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return { time: time ?? '', level: LEVELS[level ?? 30] ?? String(level), text: `${msg ?? ''}${context}` };
  } catch {
    return { time: '', level: '', text: raw };
  }
}

/**
 * The diagnostics screen's log: the last lines on screen, and the file to send to support. The
 * file is made here from the same call, so saving works the same in Electron and in a browser.
 */
export function LogPanel({ file }: { file: string }) {
  const api = useApi();
  const { t, err, dateTime } = useI18n();
  const tail = useCall(() => api.getLogTail({ lines: 50 }));

  const save = async () => {
    const r = await api.getLogTail({ lines: SAVE_LINES });
    if (!r.ok) return;
    const blob = new Blob([`${r.value.lines.join('\n')}\n`], { type: 'text/plain;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `caretill-log-${new Date().toISOString().slice(0, 10)}.txt`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <section aria-labelledby="log-title" data-testid="log-panel">
      <h2 id="log-title">{t('diag.log.title')}</h2>
      <p className="muted">{t('diag.log.intro')}</p>
      <p className="muted">
        {t('diag.logFile')}: <code>{file}</code>
      </p>
      {tail.state === 'error' && <p role="alert">{err(tail.error)}</p>}
      {tail.state === 'ok' &&
        (tail.value.lines.length === 0 ? (
          <p className="muted">{t('diag.log.empty')}</p>
        ) : (
          <pre className="log-tail" data-testid="log-lines">
            {tail.value.lines
              .map(readLine)
              .map((l) => `${l.time ? dateTime(l.time) : ''}  ${l.level.padEnd(5)}  ${l.text}`)
              .join('\n')}
          </pre>
        ))}
      <div className="row-actions">
        <button type="button" onClick={() => void save()} data-testid="save-log">
          {t('diag.log.save')}
        </button>
        <button type="button" onClick={tail.reload}>
          {t('diag.refresh')}
        </button>
      </div>
    </section>
  );
}
