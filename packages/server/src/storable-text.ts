/**
 * False for a string that holds NUL or a lone UTF-16 surrogate: PostgreSQL text cannot store the first, the
 * second does not survive UTF-8, and both break log pipelines. The JSON parser refuses such bodies; a
 * package that reads strings from elsewhere (a header, a form) checks them with this.
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000')
}
