import { ipcMain } from 'electron';
import type { Dispatcher } from '../core/api/dispatch';
import { IPC_CHANNEL } from '../shared/api/ipc';
import { isTrustedSender } from './security';

/**
 * The generic PosApi bridge: one channel, method name → core's dispatcher, which validates the
 * argument and the caller's role. Here only the sender is checked: our top-level page, or nothing.
 */
export function servePosApi(dispatch: Dispatcher, isOurs: (url: string) => boolean): void {
  ipcMain.handle(IPC_CHANNEL, (event, method: unknown, args: unknown, sessionToken: unknown) => {
    if (!isTrustedSender(event.senderFrame, isOurs)) {
      return { ok: false, error: { code: 'unauthorized', message: 'IPC from an untrusted frame' } };
    }
    return dispatch(method, args, typeof sessionToken === 'string' ? { sessionToken } : {});
  });
}
