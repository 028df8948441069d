import type { ExportFile } from '../../../shared/api/schemas/backoffice';

/**
 * Saves a file core made (XLSX, CSV) through the browser's download: the same in Electron (it asks
 * where to save) and in the browser host. The bytes arrive as base64 in the PosApi reply.
 */
export function saveFile(f: ExportFile): void {
  const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: f.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = f.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Today and other days as 'YYYY-MM-DD' in the shop's zone (what the report calls take). */
export function shopDay(timeZone: string | undefined, offsetDays = 0, from = Date.now()): string {
  return new Intl.DateTimeFormat('sv-SE', timeZone ? { timeZone } : {}).format(new Date(from + offsetDays * 86_400_000));
}
