import { defineEnvFragment, type EnvIssue, env } from '@shipshape/config'
import {
  DEFAULT_PASSWORD_MIN_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH_FLOOR,
} from './password-limits.ts'

/**
 * The variables auth reads, for `defineServiceEnv({ fragments: [authEnv] })`: a service passes them to
 * `authPlugin` (`jwtSecret`, `allowedOrigins`, `passwordMinLength`, `cookieSecure`). This module imports
 * nothing but `@shipshape/config`, so a schema (and `shipshape doctor`) can read it without loading auth.
 */
export const authEnv = defineEnvFragment(
  ({ defaultPort }) => ({
    JWT_SECRET: env.secret({
      minLength: 32,
      description: 'Signs access tokens (HS256). Generate one with: openssl rand -base64 48',
    }),
    AUTH_ORIGINS: env.list({
      default: [`http://127.0.0.1:${defaultPort}`, `http://localhost:${defaultPort}`],
      item: 'origin',
      description:
        "Origins allowed to send cookie-authenticated writes: the service's own (CORS_ORIGINS are allowed too).",
    }),
    PASSWORD_MIN_LENGTH: env.integer({
      default: DEFAULT_PASSWORD_MIN_LENGTH,
      min: MIN_PASSWORD_LENGTH_FLOOR,
      max: MAX_PASSWORD_LENGTH,
      description: 'Shortest password accepted at sign-up and on change.',
    }),
    COOKIE_SECURE: env.boolean({
      default: true,
      description:
        'Secure cookies with the __Host-/__Secure- prefixes; false only for plain-HTTP development.',
    }),
  }),
  {
    rules: [
      (config): EnvIssue[] =>
        config.APP_ENV === 'production' && config.COOKIE_SECURE === false
          ? [
              {
                variable: 'COOKIE_SECURE',
                message: 'must be true in production: session cookies never travel over plain HTTP',
              },
            ]
          : [],
    ],
  },
)
