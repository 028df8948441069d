/**
 * A column title as a file has it, made comparable: full-width to half-width, lower case, no spaces,
 * no "(元)" or "【必填】" notes, no "*" marking a required column. Shared by the till's product
 * import and the program's APL import.
 */
export function normalizeTitle(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, '')
    .replace(/[\s*:_.\-#]/g, '');
}
