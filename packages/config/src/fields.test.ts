import { describe, expect, test } from 'vitest'
import { loadOne } from '../test/helpers.ts'
import { env } from './index.ts'

const description = 'A variable.'

describe('env.integer and env.port', () => {
  const grace = env.integer({ min: 0, max: 120_000, description })

  test.each(['abc', '1.5', '1e3', ' 80', '0x10', '+5', '-1', '120001', '99999999999999999999'])(
    'integer rejects %j',
    (raw) => {
      expect(loadOne(grace, raw)).toEqual({
        issue: `X: must be an integer from 0 to 120000 (got ${JSON.stringify(raw)})`,
      })
    },
  )

  test('integer accepts its bounds, and describes one-sided ranges', () => {
    expect(loadOne(grace, '0')).toEqual({ value: 0 })
    expect(loadOne(grace, '120000')).toEqual({ value: 120_000 })
    expect(loadOne(env.integer({ min: 5, description }), '4')).toEqual({
      issue: 'X: must be an integer of at least 5 (got "4")',
    })
    expect(loadOne(env.integer({ description }), '-42')).toEqual({ value: -42 })
  })

  test.each(['0', '65536', '-80', 'http'])('port rejects %j', (raw) => {
    expect(loadOne(env.port({ description }), raw)).toEqual({
      issue: `X: must be an integer from 1 to 65535 (got ${JSON.stringify(raw)})`,
    })
  })

  test('port accepts 1 and 65535', () => {
    expect(loadOne(env.port({ description }), '1')).toEqual({ value: 1 })
    expect(loadOne(env.port({ description }), '65535')).toEqual({ value: 65_535 })
  })
})

describe('env.boolean', () => {
  test.each(['yes', 'no', 'on', 'off', 't', 'truee', ' true'])('rejects %j', (raw) => {
    expect(loadOne(env.boolean({ description }), raw)).toEqual({
      issue: `X: must be one of true, false, 1, 0 (got ${JSON.stringify(raw)})`,
    })
  })

  test.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['False', false],
    ['0', false],
  ])('reads %j as %s', (raw, value) => {
    expect(loadOne(env.boolean({ description }), raw)).toEqual({ value })
  })
})

describe('env.url', () => {
  const database = env.url({ protocols: ['postgres:', 'postgresql:'], description })

  test('rejects a relative URL and a protocol outside the allowlist', () => {
    expect(loadOne(database, 'db:5432/app')).toEqual({
      issue: 'X: must be a URL with protocol postgres: or postgresql: (got "db:5432/app")',
    })
    expect(loadOne(database, '/var/run/db')).toEqual({
      issue: 'X: must be an absolute URL (got "/var/run/db")',
    })
  })

  test('keeps the raw text, so percent-encoded passwords reach the driver unchanged', () => {
    const raw = 'postgresql://app:p%40ss@127.0.0.1:5432/app'
    expect(loadOne(database, raw)).toEqual({ value: raw })
    expect(loadOne(env.url({ description }), 'anything://x')).toEqual({ value: 'anything://x' })
  })
})

describe('env.enum and env.string', () => {
  test('enum is case-sensitive and string takes any non-empty text', () => {
    const level = env.enum(['info', 'debug'], { description })
    expect(loadOne(level, 'INFO')).toEqual({ issue: 'X: must be one of info, debug (got "INFO")' })
    expect(loadOne(level, 'debug')).toEqual({ value: 'debug' })
    expect(loadOne(env.string({ description }), ' spaced ')).toEqual({ value: ' spaced ' })
  })

  test('a required field without a default is reported when unset', () => {
    expect(loadOne(env.string({ description }), undefined)).toEqual({ issue: 'X: is required' })
    expect(loadOne(env.string({ optional: true, description }), undefined)).toEqual({ value: undefined })
  })
})

describe('env.list', () => {
  const origins = env.list({ item: 'origin', description })

  test.each([
    '*',
    'https://app.example.com/',
    'https://app.example.com/path',
    'https://App.example.com',
    'https://a.example.com:443',
    'app.example.com',
    'null',
  ])('item origin rejects %j', (bad) => {
    expect(loadOne(origins, `https://ok.example.com,${bad}`)).toEqual({
      issue: `X: each item must be an exact lowercase origin scheme://host[:port] with no path (got ${JSON.stringify(bad)})`,
    })
  })

  test('splits on commas, trims, drops empty items', () => {
    expect(loadOne(origins, ' https://a.example.com ,,http://127.0.0.1:5173, ')).toEqual({
      value: ['https://a.example.com', 'http://127.0.0.1:5173'],
    })
    expect(loadOne(env.list({ description }), 'a, b ,,c')).toEqual({ value: ['a', 'b', 'c'] })
  })
})
