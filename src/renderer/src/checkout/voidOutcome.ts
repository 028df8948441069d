import type { Result } from '../../../shared/api/result';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';

export type VoidOutcome = 'voided' | 'ask_owner' | 'refused';

/** What core's answer to a void means for the void flow (useVoidFlow.ts); pure, so the rules are tested without React. */
export function voidOutcome(r: Result<CompletedSale>, withOwnerPin: boolean): VoidOutcome {
  if (r.ok) return 'voided';
  if (r.error.code === 'void_needs_owner') return 'ask_owner';
  // A wrong PIN (or a lockout) keeps the PIN dialog open with the reason in it.
  if (withOwnerPin && (r.error.code === 'pin_wrong' || r.error.code === 'locked_out')) return 'ask_owner';
  return 'refused';
}
