import type { Eligibility } from '../../shared/api/schemas/catalog';

/**
 * Whether the program will pay for an item, as the owner's Products screen shows it. The program's
 * approved product list (by barcode) and the shop's proposals (items without one) are not on the
 * till yet, so every item is "not listed"; this is the one seam where they will be looked up.
 */
export interface EligibilitySource {
  of(item: { id: number; barcodes: readonly string[] }): Eligibility;
}

export const NOT_LISTED: Eligibility = { state: 'not_listed', list: null, listedCategory: null, reason: null };

export const noProgramList: EligibilitySource = { of: () => NOT_LISTED };
