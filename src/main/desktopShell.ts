import { app, type BrowserWindow } from 'electron';
import type { DesktopShell } from '../core/handlers/desktop';
import type { Logger } from '../core/system/log';

/** The desktop shell plus what main needs to give it its window. */
export interface TillShell extends DesktopShell {
  attach(win: BrowserWindow): void;
}

/**
 * What the owner's desktop settings do to the app: the full-screen till mode (a kiosk window that
 * cannot be closed until an owner's PIN leaves it; Windows shutting down still closes it) and
 * starting with Windows (a login item, only for the installed app: in development it would start a
 * bare Electron).
 */
export function createDesktopShell(o: { canStartWithSystem: boolean; log: () => Logger | undefined }): TillShell {
  let tillMode = false;
  let quitting = false;
  let win: BrowserWindow | null = null;
  app.on('before-quit', () => {
    quitting = true;
  });
  const live = () => (win && !win.isDestroyed() ? win : null);

  return {
    canStartWithSystem: o.canStartWithSystem,
    setStartWithSystem(on) {
      if (!o.canStartWithSystem) return;
      app.setLoginItemSettings({ openAtLogin: on });
      o.log()?.info({ startWithWindows: on }, 'login item set');
    },
    inTillMode: () => tillMode,
    setTillMode(on) {
      if (on !== tillMode) o.log()?.info({ tillMode: on }, on ? 'till mode on' : 'till mode left');
      tillMode = on;
      live()?.setKiosk(on);
    },
    attach(w) {
      win = w;
      w.on('close', (event) => {
        if (tillMode && !quitting) event.preventDefault();
      });
      // Windows is logging off or shutting down: the till must not stand in its way.
      w.on('session-end', () => {
        quitting = true;
      });
      if (tillMode) w.setKiosk(true);
    },
  };
}
