/**
 * What each key does at the counter (src/renderer/src/checkout/checkoutKeys.ts), as a pure mapping.
 * The listener that carries the actions out is exercised by the checkout e2e tests.
 */
import { describe, expect, it } from 'vitest';
import { checkoutKeyAction, type CheckoutKeyContext } from '../../src/renderer/src/checkout/checkoutKeys';

const counter: CheckoutKeyContext = { dialogOpen: false, inField: false, completed: false, hasError: false, hasBasket: true };
const at = (over: Partial<CheckoutKeyContext> = {}) => ({ ...counter, ...over });

describe('the checkout keys', () => {
  it('F2 types a code, F3 finds an item, F4 voids the last sale, F9 turns the camera on or off', () => {
    expect(checkoutKeyAction('F2', at())).toBe('focusManualEntry');
    expect(checkoutKeyAction('F3', at())).toBe('openItemFinder');
    expect(checkoutKeyAction('F4', at())).toBe('voidLastSale');
    expect(checkoutKeyAction('F9', at())).toBe('toggleCamera');
  });

  it('the F-keys work even while typing in the code field, and on the receipt', () => {
    for (const key of ['F2', 'F3', 'F4', 'F9']) {
      expect(checkoutKeyAction(key, at({ inField: true }))).not.toBeNull();
      expect(checkoutKeyAction(key, at({ completed: true }))).not.toBeNull();
    }
  });

  it('Enter confirms the sale, and on the receipt starts the next customer', () => {
    expect(checkoutKeyAction('Enter', at())).toBe('confirmSale');
    expect(checkoutKeyAction('Enter', at({ hasBasket: false }))).toBe('confirmSale');
    expect(checkoutKeyAction('Enter', at({ completed: true }))).toBe('startNewSale');
  });

  it('Enter in the code field submits the code, not the sale', () => {
    expect(checkoutKeyAction('Enter', at({ inField: true }))).toBeNull();
    expect(checkoutKeyAction('Enter', at({ inField: true, completed: true }))).toBeNull();
  });

  it('Esc first dismisses an error, then cancels the sale', () => {
    expect(checkoutKeyAction('Escape', at({ hasError: true }))).toBe('dismissError');
    expect(checkoutKeyAction('Escape', at())).toBe('startNewSale');
  });

  it('Esc on the receipt starts the next customer', () => {
    expect(checkoutKeyAction('Escape', at({ completed: true, hasError: true }))).toBe('startNewSale');
  });

  it('Esc with nothing on the counter does nothing, but is still the checkout’s key', () => {
    expect(checkoutKeyAction('Escape', at({ hasBasket: false }))).toBe('nothingToCancel');
  });

  it('Enter in the empty code field confirms: a code typed and entered leaves the till ready for Enter', () => {
    expect(checkoutKeyAction('Enter', at({ inField: true, inEmptyCodeField: true }))).toBe('confirmSale');
    expect(checkoutKeyAction('Enter', at({ inField: true, inEmptyCodeField: true, completed: true }))).toBe('startNewSale');
    expect(checkoutKeyAction('Escape', at({ inField: true, inEmptyCodeField: true }))).toBe('startNewSale');
    expect(checkoutKeyAction('Enter', at({ inField: true, inEmptyCodeField: true, dialogOpen: true }))).toBeNull();
  });

  it('Esc in the code field is left to the field', () => {
    expect(checkoutKeyAction('Escape', at({ inField: true }))).toBeNull();
  });

  it('while a dialog is open, it has the keyboard to itself', () => {
    for (const key of ['F2', 'F3', 'F4', 'F9', 'Enter', 'Escape']) {
      expect(checkoutKeyAction(key, at({ dialogOpen: true }))).toBeNull();
    }
  });

  it('other keys, including the tab keys F1 and F8, are not the checkout’s', () => {
    for (const key of ['F1', 'F8', 'a', ' ', 'Tab', 'Backspace']) expect(checkoutKeyAction(key, at())).toBeNull();
  });
});
