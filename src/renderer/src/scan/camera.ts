import { Html5Qrcode, Html5QrcodeSupportedFormats } from 'html5-qrcode';

/**
 * The only module that touches html5-qrcode (upstream is in maintenance mode; keep it swappable).
 * QR only, ~10 fps, a square qrbox, no mirrored retry; repeated reads of the same code within
 * `repeatMs` are dropped (onSuccess fires on every frame while a code is in view). Starting and
 * stopping are serialised, so React StrictMode's mount-unmount-mount never opens two cameras.
 */
export interface CameraInfo {
  id: string;
  label: string;
}

export interface CameraHandle {
  stop(): Promise<void>;
}

let queue: Promise<unknown> = Promise.resolve();
const serial = <T>(fn: () => Promise<T>): Promise<T> => {
  const run = queue.then(fn, fn);
  // The queue only orders starts and stops; each caller gets its own outcome (and error) from `run`.
  queue = run.catch(() => undefined);
  return run;
};

export async function listCameras(): Promise<CameraInfo[]> {
  try {
    return (await Html5Qrcode.getCameras()).map((c, i) => ({ id: c.id, label: c.label || `Camera ${i + 1}` }));
  } catch {
    return [];
  }
}

export function startCamera(
  elementId: string,
  cameraId: string | null,
  onCode: (text: string) => void,
  repeatMs = 3000,
): Promise<CameraHandle> {
  return serial(async () => {
    const scanner = new Html5Qrcode(elementId, {
      formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
      verbose: false,
      useBarCodeDetectorIfSupported: true,
    });
    let lastText = '';
    let lastAt = 0;
    await scanner.start(
      cameraId ?? { facingMode: 'environment' },
      {
        fps: 10,
        qrbox: (w, h) => {
          const s = Math.floor(Math.min(w, h) * 0.8);
          return { width: s, height: s };
        },
        disableFlip: true,
      },
      (text) => {
        const now = performance.now();
        if (text === lastText && now - lastAt < repeatMs) return;
        lastText = text;
        lastAt = now;
        onCode(text);
      },
      () => undefined,
    );
    return {
      stop: () =>
        serial(async () => {
          // stop() must finish before clear(), or the video element is torn out from under the stream.
          if (scanner.isScanning) await scanner.stop();
          scanner.clear();
        }),
    };
  });
}
