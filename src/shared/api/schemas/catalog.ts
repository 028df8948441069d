import { z } from 'zod';
import { CATEGORIES } from '../../domain/categories';

export const itemSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  priceFen: z.number().int(),
  unit: z.string(),
  category: z.enum(CATEGORIES),
  quickKey: z.boolean(),
  barcodes: z.array(z.string()),
});

export const itemInputSchema = z
  .object({
    id: z.number().int().positive().optional(),
    name: z.string().trim().min(1).max(80),
    priceFen: z.number().int().min(0).max(10_000_000),
    unit: z.string().trim().min(1).max(8),
    category: z.enum(CATEGORIES),
    quickKey: z.boolean(),
    barcodes: z.array(z.string().trim().min(1).max(24)).max(10),
  })
  .strict();

export type Item = z.output<typeof itemSchema>;
export type ItemInput = z.output<typeof itemInputSchema>;
