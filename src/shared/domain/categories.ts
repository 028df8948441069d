/**
 * The program-level category taxonomy (DESIGN.md §3). Codes are stable identifiers shared by
 * the program server, manifests and tills; names live in the message catalogues.
 */
export const ELIGIBLE_CATEGORIES = [
  'infant_formula',
  'diapers',
  'baby_clothing',
  'baby_care',
  'school_supplies',
  'books',
  'toys',
  'daily_necessities',
  'staple_food',
  'haircut',
  'health_service',
  'canteen_meal',
] as const;

/** Never payable by any voucher, whatever a campaign says. */
export const NEVER_ELIGIBLE_CATEGORIES = ['tobacco', 'alcohol', 'lottery', 'precious_metals', 'prepaid_cards'] as const;

/** Goods a shop sells that belong to no program category. */
export const OTHER_CATEGORY = 'other' as const;

export const CATEGORIES = [...ELIGIBLE_CATEGORIES, ...NEVER_ELIGIBLE_CATEGORIES, OTHER_CATEGORY] as const;

export type EligibleCategory = (typeof ELIGIBLE_CATEGORIES)[number];
export type Category = (typeof CATEGORIES)[number];

export function isNeverEligible(c: string): boolean {
  return (NEVER_ELIGIBLE_CATEGORIES as readonly string[]).includes(c);
}
