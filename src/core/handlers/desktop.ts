import type { desktopContract } from '../../shared/api/contract/desktop';
import type { HandlersFor } from '../api/dispatch';
import type { Users } from '../auth/users';
import type { SettingsStore } from '../system/settings';

/**
 * What the desktop app does with the owner's desktop settings. Electron's main process passes one
 * (src/main/desktopShell.ts); the Node host and tests pass none, and the settings are only stored.
 */
export interface DesktopShell {
  /** Starting with the system can be switched on this install (packaged, Windows or macOS). */
  readonly canStartWithSystem: boolean;
  setStartWithSystem(on: boolean): void;
  inTillMode(): boolean;
  setTillMode(on: boolean): void;
}

export interface DesktopDeps {
  settings: SettingsStore;
  users: Users;
  shell?: DesktopShell | undefined;
}

/** Start with Windows and the full-screen till mode, with an owner's PIN to leave it. */
export const desktopHandlers = (d: DesktopDeps): HandlersFor<typeof desktopContract> => {
  const state = () => ({
    desktop: d.shell !== undefined,
    canStartWithWindows: d.shell?.canStartWithSystem ?? false,
    startWithWindows: d.settings.get('desktop.startWithWindows'),
    tillMode: d.settings.get('desktop.kioskMode'),
    inTillMode: d.shell?.inTillMode() ?? false,
  });
  return {
    getDesktop: () => state(),
    saveDesktop: ({ startWithWindows, tillMode }) => {
      if (startWithWindows !== undefined) {
        d.settings.set('desktop.startWithWindows', startWithWindows);
        if (d.shell?.canStartWithSystem) d.shell.setStartWithSystem(startWithWindows);
      }
      if (tillMode !== undefined) {
        d.settings.set('desktop.kioskMode', tillMode);
        d.shell?.setTillMode(tillMode);
      }
      return state();
    },
    leaveTillMode: ({ pin }, ctx) => {
      // Outside any transaction, so a wrong PIN's count stays (see Users.approveAsOwner).
      d.users.approveAsOwner(pin, d.users.require(ctx.sessionToken));
      // Only for now: the setting stays, and the next start is full screen again.
      d.shell?.setTillMode(false);
      return state();
    },
  };
};
