import type { PrintErrorCode } from '../../shared/api/schemas/printing';

/** A print job that did not reach paper, with the one code the cashier sees in words. */
export class PrintFailure extends Error {
  constructor(
    readonly code: PrintErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
