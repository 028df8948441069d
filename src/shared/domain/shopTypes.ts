import type { Category } from './categories';

/**
 * Kinds of partner shop (DESIGN.md §1: mother-and-baby stores, barbers, stationers, community
 * canteens, clinics, and the corner grocery). A shop's type only decides which items are offered as
 * quick keys at first: the owner can change every key afterwards.
 */
export const SHOP_TYPES = ['mother_baby', 'barber', 'stationery', 'canteen', 'clinic', 'grocery'] as const;
export type ShopType = (typeof SHOP_TYPES)[number];

/**
 * The categories whose items a shop of each type sells over and over, so they earn a key. Items
 * without a GS1 barcode (services, loose goods, a carrier bag) are suggested for every type as well:
 * there is nothing to scan, so a key (or a search) is the only way to sell them.
 */
export const QUICK_KEY_CATEGORIES: Record<ShopType, readonly Category[]> = {
  mother_baby: ['infant_formula', 'diapers', 'baby_care', 'baby_clothing'],
  barber: ['haircut'],
  stationery: ['school_supplies', 'books', 'toys'],
  canteen: ['canteen_meal', 'staple_food'],
  clinic: ['health_service'],
  grocery: ['staple_food', 'daily_necessities'],
};

/** More keys than this no longer fit beside the basket on a 1366×768 screen. */
export const MAX_QUICK_KEYS = 24;
