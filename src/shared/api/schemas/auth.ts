import { z } from 'zod';
import { SHOP_TYPES } from '../../domain/shopTypes';

export const roleSchema = z.enum(['cashier', 'owner']);
export const pinSchema = z.string().regex(/^\d{4,8}$/, 'PIN must be 4 to 8 digits');
export const userSchema = z.object({ id: z.number().int(), name: z.string(), role: roleSchema });
export const loginResultSchema = z.object({ session: z.string(), user: userSchema });

export const setupStateSchema = z.object({
  needsSetup: z.boolean(),
  shopName: z.string().nullable(),
  /** A demo program is installed (npm start with no configuration). */
  demo: z.boolean(),
});

export const setupInputSchema = z
  .object({
    shopName: z.string().trim().min(1).max(60),
    ownerName: z.string().trim().min(1).max(40),
    ownerPin: pinSchema,
    loadDemoCatalog: z.boolean(),
    /** The kind of shop: the sample catalogue's quick keys follow it (baby goods, services …). */
    shopType: z.enum(SHOP_TYPES).optional(),
  })
  .strict();

export type User = z.output<typeof userSchema>;
export type LoginResult = z.output<typeof loginResultSchema>;
export type SetupState = z.output<typeof setupStateSchema>;
