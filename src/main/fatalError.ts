import { app, dialog, type BrowserWindow, type MessageBoxOptions, type SaveDialogOptions } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { LOG_DIR, LOG_FILE, type Logger } from '../core/system/log';
import type { Locale } from '../shared/i18n/locales';
import { translate, type MessageKey, type Params } from '../shared/i18n/translate';

export type FatalKind = 'startup' | 'main' | 'renderer';

export interface CrashContext {
  dataDir: string;
  log: () => Logger | undefined;
  locale: () => Locale;
  window: () => BrowserWindow | null;
}

/**
 * When the app cannot go on (it could not start, the main process threw, the page crashed), the
 * shop sees what happened in their language and can save the log for support before restarting
 * (or reloading the page) or quitting. Sales already committed are in the database either way.
 */
export function watchForCrashes(proc: NodeJS.EventEmitter, ctx: CrashContext): void {
  proc.on('uncaughtException', (err: Error) => {
    ctx.log()?.fatal({ err }, 'uncaught exception in the main process');
    void reportFatal(ctx, 'main', err.message);
  });
  // A promise nobody awaited: logged (background work reports its own failures), no dialog.
  proc.on('unhandledRejection', (reason: unknown) => ctx.log()?.error({ err: reason }, 'unhandled promise rejection in the main process'));
  app.on('render-process-gone', (_event, _contents, details) => {
    if (details.reason === 'clean-exit') return;
    ctx.log()?.fatal({ reason: details.reason, exitCode: details.exitCode }, 'the till page crashed');
    void reportFatal(ctx, 'renderer', details.reason);
  });
  app.on('child-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') ctx.log()?.warn({ type: details.type, reason: details.reason }, 'a helper process ended');
  });
}

let showing = false;

export async function reportFatal(ctx: CrashContext, kind: FatalKind, detail: string): Promise<void> {
  if (showing) return; // one dialog at a time; the log has every failure
  showing = true;
  const t = (key: MessageKey, params?: Params) => translate(ctx.locale(), key, params);
  const logFile = path.join(ctx.dataDir, LOG_DIR, LOG_FILE);
  try {
    for (;;) {
      // The log's folder is made before anything else at start; the file itself is written a moment later.
      const canSave = fs.existsSync(path.dirname(logFile));
      const next: MessageKey | null = kind === 'startup' ? null : kind === 'renderer' ? 'desktop.fatal.reload' : 'desktop.fatal.restart';
      const actions = [...(canSave ? (['save'] as const) : []), ...(next ? (['next'] as const) : []), 'quit' as const];
      const label = { save: t('desktop.fatal.saveLog'), next: next ? t(next) : '', quit: t('desktop.fatal.quit') };
      const { response } = await messageBox(ctx, {
        type: 'error',
        title: t('app.title'),
        message: t(`desktop.fatal.${kind}`),
        detail: `${detail}\n\n${t('desktop.fatal.support')}`,
        buttons: actions.map((a) => label[a]),
        defaultId: 0,
        cancelId: actions.length - 1,
        noLink: true,
      });
      const action = actions[response] ?? 'quit';
      if (action === 'save') {
        await saveLog(ctx, logFile, t);
        continue;
      }
      if (action === 'next' && kind === 'renderer') {
        liveWindow(ctx)?.reload();
        return;
      }
      if (action === 'next') app.relaunch();
      app.exit(1);
      return;
    }
  } finally {
    showing = false;
  }
}

async function saveLog(ctx: CrashContext, logFile: string, t: (key: MessageKey, params?: Params) => string) {
  ctx.log()?.flush();
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const options: SaveDialogOptions = {
    title: t('desktop.fatal.saveLog'),
    defaultPath: path.join(app.getPath('documents'), `caretill-log-${stamp}.log`),
    filters: [{ name: 'Log', extensions: ['log', 'txt'] }],
  };
  const win = liveWindow(ctx);
  const { canceled, filePath } = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
  if (canceled || !filePath) return;
  try {
    fs.copyFileSync(logFile, filePath);
    await messageBox(ctx, { type: 'info', title: t('app.title'), message: t('desktop.fatal.logSaved', { file: filePath }) });
  } catch (e) {
    await messageBox(ctx, { type: 'error', title: t('app.title'), message: t('desktop.fatal.logNotSaved', { reason: String(e) }) });
  }
}

/** Over the till's window when there is one: a dialog behind a full-screen window is never seen. */
function messageBox(ctx: CrashContext, options: MessageBoxOptions) {
  const win = liveWindow(ctx);
  return win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options);
}

function liveWindow(ctx: CrashContext): BrowserWindow | null {
  const win = ctx.window();
  return win && !win.isDestroyed() ? win : null;
}
