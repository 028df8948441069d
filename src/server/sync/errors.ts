/** Errors the program server answers with: a stable code, an HTTP status, and English for the log. */
export const SERVER_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  unknown_device: 401,
  bad_request_signature: 401,
  stale_request: 401,
  enroll_code_unknown: 404,
  enroll_code_used: 409,
  enroll_code_expired: 410,
  device_exists: 409,
  no_manifest: 503,
  batch_conflict: 409,
  /** An authorization's idempotency key that another till used first. */
  idempotency_conflict: 409,
  merchant_exists: 409,
  not_found: 404,
  wrong_state: 409,
  /** Too many batch intakes running in this process: try again after Retry-After. */
  overloaded: 429,
  /** Too many unknown holder codes from one till: try again after Retry-After. */
  too_many_lookups: 429,
  /** No approved product list has been published yet (issue 11). */
  no_apl: 404,
  /** The program has not decided any of this shop's proposals yet: it has no shop list. */
  no_shop_list: 404,
  /** A proposal id another merchant uploaded first. */
  proposal_conflict: 409,
} as const;

export type ServerErrorCode = keyof typeof SERVER_ERRORS;

export class ServerError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    /** For a 429: when to send again (s), as the reply's Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  get status(): number {
    return SERVER_ERRORS[this.code];
  }
}
