/**
 * The checkout's key map as a pure function, so what each key does at the counter can be read in
 * one place and tested without a browser; useCheckoutKeys.ts listens and carries the actions out.
 * Enter confirm · Esc cancel · F2 type a code · F3 find an item · F4 void last sale · F9 camera.
 * (F1 and F8 switch tabs and belong to the app shell; scanner Enters never get here, the wedge
 * stops them first.)
 */
export type CheckoutKeyAction =
  | 'focusManualEntry'
  | 'openItemFinder'
  | 'voidLastSale'
  | 'toggleCamera'
  | 'confirmSale'
  | 'startNewSale'
  | 'dismissError'
  /** Esc with nothing to cancel: the key is still kept from the page. */
  | 'nothingToCancel';

export interface CheckoutKeyContext {
  /** A dialog (forfeit, item finder, owner PIN) has the keyboard. */
  dialogOpen: boolean;
  /** The key was typed into an input or select, where Enter and Esc mean something else. */
  inField: boolean;
  /**
   * ...and that field is the empty code field: there is nothing to submit, so Enter and Esc are the
   * counter's again. A cashier who typed or pasted a code and pressed Enter is still in this field,
   * and the next Enter must confirm the sale.
   */
  inEmptyCodeField?: boolean;
  /** The receipt of a finished sale is on screen. */
  completed: boolean;
  hasError: boolean;
  /** At least one line or voucher is in the basket. */
  hasBasket: boolean;
}

/** What a key does at the counter, or null when the key is not the checkout's (let it through). */
export function checkoutKeyAction(key: string, context: CheckoutKeyContext): CheckoutKeyAction | null {
  const c = context.inEmptyCodeField ? { ...context, inField: false } : context;
  if (c.dialogOpen) return null;
  switch (key) {
    case 'F2':
      return 'focusManualEntry';
    case 'F3':
      return 'openItemFinder';
    case 'F4':
      return 'voidLastSale';
    case 'F9':
      return 'toggleCamera';
    case 'Enter':
      if (c.inField) return null;
      return c.completed ? 'startNewSale' : 'confirmSale';
    case 'Escape':
      if (c.inField) return null;
      if (c.completed) return 'startNewSale';
      if (c.hasError) return 'dismissError';
      return c.hasBasket ? 'startNewSale' : 'nothingToCancel';
    default:
      return null;
  }
}
