import { app, dialog, session, shell, type WebContents, type WebFrameMain } from 'electron';
import { RENDERER_CSP } from '../shared/csp';

/**
 * Electron's security checklist in one place: CSP on every response, no navigation or new
 * windows, no webviews, camera only for our own page, and a check that IPC comes from our page.
 */
export function hardenApp(isAppUrl: (url: string) => boolean): void {
  app.enableSandbox();

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Help links open in the system browser, never inside the till.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  app
    .whenReady()
    .then(() => {
      const ses = session.defaultSession;
      ses.webRequest.onHeadersReceived((details, callback) => {
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
      });
      // Electron grants every permission unless told otherwise: allow the camera (video only) to our page.
      ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
        const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
        callback(permission === 'media' && isAppUrl(details.requestingUrl) && mediaTypes.every((t) => t === 'video'));
      });
      ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permission === 'media' && isAppUrl(requestingOrigin));
    })
    .catch((e: unknown) => {
      // Without the CSP and the permission handlers the window must not open at all.
      dialog.showErrorBox('关爱收银台 CareTill', `Security setup failed: ${String(e)}`);
      app.exit(3);
    });
}

/** IPC is answered only for our own top-level page, never for an iframe or a foreign page. */
export function isTrustedSender(frame: WebFrameMain | null, isAppUrl: (url: string) => boolean): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}
