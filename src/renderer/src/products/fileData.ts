import type { ApiError } from '../../../shared/api/errors';
import { MAX_IMPORT_BYTES } from '../../../shared/api/schemas/catalogImport';

export interface PickedFile {
  fileName: string;
  base64: string;
}

/**
 * A file the owner picked, as base64 for PosApi (it crosses IPC and HTTP as JSON). A file over the
 * limit is refused here, before megabytes travel only to be refused by core.
 */
export async function readPickedFile(file: File): Promise<PickedFile | ApiError> {
  if (file.size > MAX_IMPORT_BYTES) return { code: 'import_too_large', message: `${file.size} bytes` };
  if (file.size === 0) return { code: 'import_empty', message: 'empty file' };
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
  return { fileName: file.name, base64: dataUrl.slice(dataUrl.indexOf(',') + 1) };
}

export const isApiError = (v: unknown): v is ApiError => typeof v === 'object' && v !== null && 'code' in v && 'message' in v;
