import { z } from 'zod';
import { settlementSchema, syncStateSchema } from '../schemas/sync';
import { noArgs, type DomainContract } from './spec';

/** The program (项目方): enrollment, sync, settlement. */
export const programContract = {
  enroll: {
    input: z
      .object({
        serverUrl: z.url({ protocol: /^https?$/ }).max(200),
        /** One-time code and the program's fingerprint: ABCD-EFGH-JKMN.7K2Q-XM9B-P3RT-VW4Z (spaces allowed). */
        code: z.string().trim().min(4).max(64),
        name: z.string().trim().max(60).default(''),
      })
      .strict(),
    output: syncStateSchema,
    access: 'owner',
  },
  getSync: { input: noArgs, output: syncStateSchema, access: 'cashier', polled: true },
  syncNow: { input: noArgs, output: syncStateSchema, access: 'cashier' },
  getSettlement: { input: noArgs, output: settlementSchema, access: 'owner', polled: true },
} as const satisfies DomainContract;
