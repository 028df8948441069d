/** A name in both catalogue languages, as the program sends campaign names. */
export interface LocalizedName {
  zh: string;
  en: string;
}
