/** NIST SP 800-63B's floor; a service may raise the minimum but never go under it. */
export const MIN_PASSWORD_LENGTH_FLOOR = 8
export const DEFAULT_PASSWORD_MIN_LENGTH = 15
export const MAX_PASSWORD_LENGTH = 128
