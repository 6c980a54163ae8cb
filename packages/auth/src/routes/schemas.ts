import { MAX_EMAIL_LENGTH } from '../email.ts'

/** Far above the 128-character policy but small enough that a megabyte password never reaches argon2. */
const PASSWORD_FIELD = { type: 'string', minLength: 1, maxLength: 1024 } as const
const EMAIL_FIELD = { type: 'string', minLength: 1, maxLength: MAX_EMAIL_LENGTH } as const

export const credentialsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { email: EMAIL_FIELD, password: PASSWORD_FIELD },
} as const

export const changePasswordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['currentPassword', 'newPassword'],
  properties: { currentPassword: PASSWORD_FIELD, newPassword: PASSWORD_FIELD },
} as const

export const userResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'email'],
  properties: { id: { type: 'string' }, email: { type: 'string' } },
} as const

/** A JSON body of a few KiB at most: enough for two 1 KiB fields even fully \u-escaped. */
export const AUTH_BODY_LIMIT = 16 * 1024

export interface CredentialsBody {
  email: string
  password: string
}

export interface ChangePasswordBody {
  currentPassword: string
  newPassword: string
}
