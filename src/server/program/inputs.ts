import { z } from 'zod';
import { ServerError } from '../sync/errors';
import { firstIssue } from '../../shared/validation/firstIssue';

/**
 * Every value an operator gives the program (over HTTP or on the command line) has a schema here,
 * with lengths and character classes, so both paths refuse the same things with the same words.
 * Names are shown on screens, statements and cards: no control characters, no bidi overrides or
 * zero-width characters (which can make "店A" read as something else), no line separators.
 */
const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

export const displayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !UNSAFE_TEXT.test(s), 'control, bidi-override and zero-width characters are not allowed');

/** Merchant ids: "M1", "DEMO-SHOP". Never "*", which means "every merchant" in a campaign. */
export const merchantIdSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/i, '1–32 letters, digits, "-" or "_", starting with a letter or digit');
export const merchantNameSchema = displayText(60);
export const operatorNameSchema = displayText(60);
/** Why a voucher or key was revoked; it travels in the manifest. */
export const reasonSchema = displayText(200);
export const payoutReferenceSchema = displayText(80);
export const programIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, '1–64 letters, digits, "-" or "_"');
export const programNameSchema = displayText(200);
/** An enrollment code's life: an hour to 30 days. */
export const ttlHoursSchema = z
  .number()
  .int()
  .min(1)
  .max(24 * 30);
export const instantSchema = z.iso.datetime({ offset: true });
export const statementIdSchema = z.string().regex(/^ST-\d{8}-[0-9A-F]{6}$/, 'a statement id like ST-20261122-1A2B3C');
export const keyIdSchema = z.number().int().min(1).max(0xffff);
export const voucherIdSchema = z.string().regex(/^[0-9a-f]{32}$/, '32 hex digits');
export const validDaysSchema = z
  .number()
  .int()
  .min(1)
  .max(10 * 366);

// Bodies of the operator HTTP API: unknown fields are refused too.
export const newMerchantSchema = z.strictObject({ merchantId: merchantIdSchema, name: merchantNameSchema });
export const enrollmentCodeRequestSchema = z.strictObject({ merchantId: merchantIdSchema, ttlHours: ttlHoursSchema.default(72) });
export const statementRequestSchema = z.strictObject({ merchantId: merchantIdSchema, until: instantSchema.optional() });
export const payRequestSchema = z.strictObject({ reference: payoutReferenceSchema });
export const statementParamsSchema = z.strictObject({ id: statementIdSchema });

/** Parses an operator's value; a failure is a 400 that names the field (`field: what is wrong`). */
export function checkInput<S extends z.ZodType>(schema: S, value: unknown, field?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const { path, message } = firstIssue(r.error);
  const where = [field, ...path].filter(Boolean).join('.') || 'value';
  throw new ServerError('bad_request', `${where}: ${message}`);
}
