import type { BrowserWindow, Rectangle } from 'electron';
import type { SettingValue } from '../core/system/settingKeys';

/**
 * The window opens where it was last, as long as that place is still on a screen (a second monitor
 * may have gone since). Saved in the till's settings, a moment after the last move or resize.
 */
export type WindowState = NonNullable<SettingValue<'desktop.windowState'>>;

export const DEFAULT_SIZE = { width: 1280, height: 800 };
export const MIN_SIZE = { width: 1024, height: 640 };
/** How much of the title bar must be on a screen for the saved place to count. */
const GRIP = 64;

export interface Placement {
  bounds: Partial<Rectangle> & { width: number; height: number };
  maximized: boolean;
}

export function placeWindow(saved: WindowState | null, workAreas: readonly Rectangle[]): Placement {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const width = Math.max(MIN_SIZE.width, saved.width);
  const height = Math.max(MIN_SIZE.height, saved.height);
  const titleBar = { x: saved.x, y: saved.y, width, height: 32 };
  const visible = workAreas.some((a) => overlap(titleBar, a) >= GRIP);
  // Off every screen: the default size, centred by Electron, but still maximized if it was.
  if (!visible) return { bounds: { ...DEFAULT_SIZE }, maximized: saved.maximized };
  return { bounds: { x: saved.x, y: saved.y, width, height }, maximized: saved.maximized };
}

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w : 0;
}

/** Saves the window's normal place and whether it is maximized; never the full-screen till mode's size. */
export function trackWindowState(win: BrowserWindow, save: (s: WindowState) => void, delayMs = 500): void {
  let timer: NodeJS.Timeout | undefined;
  const capture = () => {
    if (win.isDestroyed() || win.isKiosk() || win.isFullScreen() || win.isMinimized()) return;
    const b = win.getNormalBounds();
    save({ x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(capture, delayMs);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', capture);
  win.on('unmaximize', capture);
  win.on('close', () => {
    clearTimeout(timer);
    capture();
  });
}
