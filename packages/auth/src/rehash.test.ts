import { hash } from '@node-rs/argon2'
import type { TestDatabase } from '@shipshape/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthApp,
  buildAuthApp,
  createAuthDatabase,
  logIn,
  STRONG_PASSWORD,
  signUp,
} from '../test/auth-app.ts'

let database: TestDatabase
let test: AuthApp

beforeAll(async () => {
  database = await createAuthDatabase()
  // Production parameters: the stored low-cost hash must be raised to m=19456,t=2,p=1.
  test = await buildAuthApp(database, { testArgon2Params: undefined })
})
afterAll(async () => {
  await test?.close()
  await database?.destroy()
})

const getHash = async (email: string) =>
  (
    await database.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [
      email,
    ])
  )[0]?.password_hash

describe('rehash on login', () => {
  it('a hash made with lower parameters is upgraded on a successful login, and only then', async () => {
    expect((await signUp(test.app, 'old@example.test')).statusCode).toBe(201)
    const legacy = await hash(STRONG_PASSWORD, {
      algorithm: 2,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    })
    await database.query('UPDATE users SET password_hash = $1 WHERE email = $2', [legacy, 'old@example.test'])

    expect((await logIn(test.app, 'old@example.test', 'not the right password')).statusCode).toBe(401)
    expect(await getHash('old@example.test')).toBe(legacy)

    expect((await logIn(test.app, 'old@example.test')).statusCode).toBe(200)
    const upgraded = await getHash('old@example.test')
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect((await logIn(test.app, 'old@example.test')).statusCode).toBe(200)
    expect(await getHash('old@example.test')).toBe(upgraded)
  })

  it('sign-up with the defaults enforces the 15-character minimum and the common list', async () => {
    const short = await signUp(test.app, 'short@example.test', 'fourteen chars')
    expect(short.statusCode).toBe(400)
    expect(short.json()).toMatchObject({
      code: 'weak_password',
      detail: expect.stringContaining('at least 15'),
    })
    const common = await signUp(test.app, 'common@example.test', 'passwordpassword')
    expect(common.json()).toMatchObject({ code: 'weak_password', detail: expect.stringContaining('common') })
    // U+FDFA is one character as typed; NFKC expands it to 18, which must not satisfy the minimum.
    expect('\uFDFA'.normalize('NFKC')).toHaveLength(18)
    const expanded = await signUp(test.app, 'expanded@example.test', '\uFDFA')
    expect(expanded.statusCode).toBe(400)
    expect(expanded.json()).toMatchObject({
      code: 'weak_password',
      detail: expect.stringContaining('at least 15'),
    })
    const long = await signUp(test.app, 'long@example.test', 'z'.repeat(129))
    expect(long.json()).toMatchObject({
      code: 'weak_password',
      detail: expect.stringContaining('at most 128'),
    })
  })
})
