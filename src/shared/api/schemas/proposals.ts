import { z } from 'zod';
import { PROPOSAL_STATUSES } from '../../apl/apl';
import { ELIGIBLE_CATEGORIES } from '../../domain/categories';

/** A proposal as the owner's screens show it: the item it is for, what was asked, what the program said. */
export const tillProposalSchema = z.object({
  proposalId: z.string(),
  itemId: z.number().int(),
  barcode: z.string().nullable(),
  name: z.string(),
  priceFen: z.number().int(),
  category: z.enum(ELIGIBLE_CATEGORIES),
  note: z.string().nullable(),
  proposedAt: z.string(),
  /** The program has it (it went with a sync). */
  sent: z.boolean(),
  status: z.enum(PROPOSAL_STATUSES),
  reason: z.string().nullable(),
  decidedCategory: z.enum(ELIGIBLE_CATEGORIES).nullable(),
  decidedAt: z.string().nullable(),
});
export type Proposal = z.output<typeof tillProposalSchema>;

export const proposeInputSchema = z
  .object({
    itemId: z.number().int().positive(),
    category: z.enum(ELIGIBLE_CATEGORIES),
    note: z.string().trim().max(200).nullable(),
  })
  .strict();
