/**
 * Stable error codes. They cross every boundary (IPC, HTTP, logs) and are the keys of the
 * user-facing messages in the catalogues, so never rename one: add a new code instead.
 */
export const ERROR_CODES = [
  // transport and contract
  'unauthorized',
  'unknown_method',
  'validation',
  'bad_request',
  'internal',
  // database
  'db_locked',
  'db_corrupt',
  'db_from_future',
  'db_unwritable',
  // sessions and roles
  'forbidden',
  'not_logged_in',
  'session_expired',
  // campaign manifests
  'manifest_invalid',
  'manifest_bad_signature',
  'manifest_outdated',
  'no_trust_anchor',
  // first run, users and PINs
  'already_set_up',
  'unknown_user',
  'user_exists',
  'invalid_pin',
  'pin_wrong',
  'locked_out',
  'approvals_locked',
  // the back office
  'backup_failed',
  'restore_refused',
  'shift_open',
  'close_pending',
  'zreport_not_found',
  // the printer
  'printer_not_device',
  // catalogue
  'unknown_barcode',
  'invalid_barcode',
  'barcode_taken',
  'unknown_item',
  // the shop's product list (import)
  'import_unreadable',
  'import_too_large',
  'import_empty',
  'import_columns_missing',
  // checkout
  'amount_too_large',
  'too_many_vouchers',
  'sale_blocked',
  'quote_changed',
  'sale_not_found',
  'already_voided',
  'void_needs_owner',
  // the program server
  'already_enrolled',
  'not_enrolled',
  'program_unreachable',
  'program_refused',
  'enroll_code_unknown',
  'enroll_code_used',
  'enroll_code_expired',
  'device_exists',
  'no_manifest',
  'voucher_declined',
  // trust in the program (issue 10, item 4)
  'enroll_code_no_pin',
  'program_key_mismatch',
  'insecure_server_url',
  'program_reply_unsigned',
  // a typed holder code (issue 13, item 4)
  'holder_code_invalid',
  'holder_code_unknown',
  'holder_code_offline',
  'holder_code_too_many',
  // the program's lists (issue 11)
  'list_refused',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  /** Developer-facing English text; the UI shows the catalogue message for `code`. */
  message: string;
  /** For `validation`: the path of the offending field, e.g. `args.locale`. */
  field?: string;
  /** Values the catalogue message may interpolate. */
  params?: Record<string, string | number>;
}

/**
 * The one error type core throws on purpose. Anything else reaching a bridge is a bug and is
 * reported as `internal` without leaking its stack.
 */
export class PosError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly params?: Record<string, string | number>;

  constructor(code: ErrorCode, message: string, extra: { field?: string; params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'PosError';
    this.code = code;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.params !== undefined) this.params = extra.params;
  }

  toApiError(): ApiError {
    const e: ApiError = { code: this.code, message: this.message };
    if (this.field !== undefined) e.field = this.field;
    if (this.params !== undefined) e.params = this.params;
    return e;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
