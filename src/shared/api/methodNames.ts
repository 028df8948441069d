import type { MethodName } from './contract';

/**
 * The method names alone, without zod, so the sandboxed preload stays tiny. A type check
 * below keeps this list equal to the contract's keys: a method missing here fails typecheck.
 */
export const METHOD_NAMES = [
  'getDiagnostics',
  'getStatus',
  'getSettings',
  'setLocale',
  'getSetupState',
  'setupShop',
  'listUsers',
  'login',
  'whoAmI',
  'logout',
  'createUser',
  'lookupBarcode',
  'listQuickKeys',
  'searchItems',
  'saveItem',
  'quoteSale',
  'commitSale',
  'voidSale',
  'listSalesToday',
  'getSale',
  'verifyJournal',
  'getReceipt',
  'printReceipt',
  'getPrinter',
  'savePrinter',
  'printTest',
  'listPrintJobs',
  'retryPrinting',
  'cancelPrintJob',
  'enroll',
  'getSync',
  'syncNow',
  'getSettlement',
  'getPreferences',
  'setPreferences',
] as const satisfies readonly MethodName[];

type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
// If this line fails to compile, add the missing method name(s) to METHOD_NAMES.
export const methodNamesComplete: [Missing] extends [never] ? true : Missing = true;
