import { app, session, shell, type WebContents, type WebFrameMain } from 'electron';
import { RENDERER_CSP } from '../shared/csp';
import { isAllowedExternal } from './externalLinks';

/**
 * Electron's security checklist in one place: the sandbox for every renderer, no navigation away
 * from our page, no new windows (allow-listed links go to the system browser), no webviews, a CSP
 * header on every response, the camera (video only) for our page and nothing else, no devices. The
 * window's own web preferences are in window.ts; the IPC sender check is below.
 */
export function hardenApp(isOurs: (url: string) => boolean): void {
  app.enableSandbox();

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOurs(url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (details) => {
      if (!isOurs(details.url)) details.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternal(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** The parts that need the app ready. The caller must not open a window if this throws. */
export function hardenSession(isOurs: (url: string) => boolean): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    // Drop any CSP the response brought (any spelling) and set ours.
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([k]) => k.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  // Electron grants every permission unless told otherwise: the camera, video only, for our page.
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(permission === 'media' && isOurs(details.requestingUrl) && mediaTypes.length > 0 && mediaTypes.every((t) => t === 'video'));
  });
  ses.setPermissionCheckHandler(
    (_wc, permission, requestingOrigin, details) => permission === 'media' && isOurs(requestingOrigin) && details.mediaType !== 'audio',
  );
  // No USB, HID or serial device for the page (the printer is driven from core, not from the page).
  ses.setDevicePermissionHandler(() => false);
}

/** IPC is answered only for our own top-level page, never for an iframe or a foreign page. */
export function isTrustedSender(frame: WebFrameMain | null | undefined, isOurs: (url: string) => boolean): boolean {
  return frame != null && frame.parent === null && isOurs(frame.url);
}
