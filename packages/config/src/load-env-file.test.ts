import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const preload = fileURLToPath(new URL('./load-env-file.ts', import.meta.url))

const printEnv = (cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(
    process.execPath,
    ['--import', preload, '-e', 'console.log(JSON.stringify([process.env.FROM_FILE, process.env.BOTH]))'],
    { cwd, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
  )

it('loads .env from the working directory, and the environment wins over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-env-'))
  writeFileSync(join(dir, '.env'), 'FROM_FILE=file\nBOTH=file\n')
  expect(JSON.parse(printEnv(dir, { BOTH: 'environment' }))).toEqual(['file', 'environment'])
})

it('starts without a .env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-env-'))
  expect(JSON.parse(printEnv(dir))).toEqual([null, null])
})
