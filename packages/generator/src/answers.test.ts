import { describe, expect, it } from 'vitest'
import { validateAnswers } from './answers.ts'
import { GeneratorError } from './errors.ts'

const codeOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return error instanceof GeneratorError ? error.code : 'other'
  }
  return 'none'
}

describe('validateAnswers', () => {
  it.each([
    ['', 'SHIPSHAPE_INVALID_NAME'],
    ['Billing', 'SHIPSHAPE_INVALID_NAME'],
    ['1billing', 'SHIPSHAPE_INVALID_NAME'],
    ['bill--ing', 'SHIPSHAPE_INVALID_NAME'],
    ['billing-', 'SHIPSHAPE_INVALID_NAME'],
    ['b'.repeat(41), 'SHIPSHAPE_INVALID_NAME'],
    ['./billing', 'SHIPSHAPE_INVALID_NAME'],
    ['a/b', 'SHIPSHAPE_INVALID_NAME'],
    ['crypto', 'SHIPSHAPE_RESERVED_NAME'],
    ['packages', 'SHIPSHAPE_RESERVED_NAME'],
  ])('name %j → %s', (name, code) => {
    expect(codeOf(() => validateAnswers({ name }))).toBe(code)
  })

  it.each([['0'], ['80'], ['1023'], ['65536'], ['3000.5'], ['3e3'], ['port']])(
    'port %j is refused',
    (port) => {
      expect(codeOf(() => validateAnswers({ name: 'billing', port }))).toBe('SHIPSHAPE_INVALID_PORT')
    },
  )

  it.each([['invoice'], ['Invoices'], ['in-voices'], ['healthz'], ['auth'], ['s']])(
    'resource %j is refused',
    (resource) => {
      expect(codeOf(() => validateAnswers({ name: 'billing', resource }))).toBe('SHIPSHAPE_INVALID_RESOURCE')
    },
  )

  it('normalizes a valid answer and fills the defaults', () => {
    expect(validateAnswers({ name: 'order-history', port: '4100' })).toEqual({
      name: 'order-history',
      port: 4100,
      resource: 'items',
    })
  })
})
