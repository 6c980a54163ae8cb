import { globSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { optionsErrorCatalogue } from './catalogue.ts'
import { OptionsError } from './options-error.ts'

const packagesDir = new URL('../../', import.meta.url)
const codes = optionsErrorCatalogue.map(([code]) => code)

/** `CODE @shipshape/pkg` for every `new OptionsError('CODE'` in the non-test sources of every package. */
function listThrowSites(): string[] {
  const files = globSync('*/src/**/*.ts', {
    cwd: packagesDir,
    exclude: (file) => /\.test\.ts$|(^|\/)_test-|(^|\/)node_modules$/.test(file),
  })
  return files.flatMap((file) => {
    const owner = `@shipshape/${file.split('/')[0]}`
    const source = readFileSync(new URL(file, packagesDir), 'utf8')
    return [...source.matchAll(/new OptionsError\(\s*'([A-Z0-9_]+)'/g)].map((match) => `${match[1]} ${owner}`)
  })
}

describe('the options error catalogue', () => {
  it('lists no code twice', () => {
    expect(codes.length).toBeGreaterThan(0)
    expect(new Set(codes).size).toBe(codes.length)
  })

  it('names every code SHIPSHAPE_<AREA>_<WHAT>, AREA being the package that throws it', () => {
    const misnamed = optionsErrorCatalogue.filter(([code, thrownBy]) => {
      const area = thrownBy.replace('@shipshape/', '').toUpperCase()
      return !new RegExp(`^SHIPSHAPE_${area}_[A-Z0-9]+(_[A-Z0-9]+)*$`).test(code)
    })
    expect(misnamed).toEqual([])
  })

  it('has every code thrown by the package it names, and only there', () => {
    const thrownBy = new Map(optionsErrorCatalogue.map(([code, name]) => [code, name]))
    const found = listThrowSites()
    expect([...new Set(found)].sort()).toEqual(codes.map((code) => `${code} ${thrownBy.get(code)}`).sort())
  })

  it('is the code table of the README, both ways', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const rows = [
      ...readme.matchAll(/^\| `(SHIPSHAPE_[A-Z0-9_]+)` +\| `(@shipshape\/[a-z]+)` +\| (.+?) +\|$/gm),
    ]
    expect(rows.map((row) => [row[1], row[2], row[3]])).toEqual(
      optionsErrorCatalogue.map((entry) => [...entry]),
    )
  })
})

describe('OptionsError', () => {
  it('carries its code, its cause and its own name', () => {
    const cause = new Error('inner')
    const error = new OptionsError(
      'SHIPSHAPE_DB_URL_INVALID',
      'The database URL must start with postgres://',
      {
        cause,
      },
    )
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'OptionsError', code: 'SHIPSHAPE_DB_URL_INVALID', cause })
    expect(String(error)).toBe('OptionsError: The database URL must start with postgres://')
  })
})
