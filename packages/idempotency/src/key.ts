const VISIBLE_ASCII_KEY = /^[\x21-\x7e]{1,255}$/

/**
 * True for 1 to 255 visible ASCII characters (0x21-0x7E). Rejecting everything else keeps keys printable in
 * logs, unambiguous after header folding (a repeated header arrives joined by ", " and fails here), and
 * bounded in the primary key.
 */
export function isValidIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && VISIBLE_ASCII_KEY.test(value)
}
