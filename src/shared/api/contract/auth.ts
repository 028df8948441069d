import { z } from 'zod';
import { loginResultSchema, pinSchema, roleSchema, setupInputSchema, setupStateSchema, userSchema } from '../schemas/auth';
import { noArgs, ok, type DomainContract } from './spec';

/** First run, sign-in and the shop's people. */
export const authContract = {
  getSetupState: { input: noArgs, output: setupStateSchema, access: 'public' },
  setupShop: { input: setupInputSchema, output: loginResultSchema, access: 'public' },
  listUsers: { input: noArgs, output: z.array(userSchema), access: 'public' },
  login: {
    input: z.object({ userId: z.number().int().positive(), pin: z.string().max(16) }).strict(),
    output: loginResultSchema,
    access: 'public',
  },
  whoAmI: { input: noArgs, output: userSchema.nullable(), access: 'public' },
  logout: { input: noArgs, output: ok, access: 'cashier' },
  createUser: {
    input: z.object({ name: z.string().trim().min(1).max(40), role: roleSchema, pin: pinSchema }).strict(),
    output: userSchema,
    access: 'owner',
  },
} as const satisfies DomainContract;
