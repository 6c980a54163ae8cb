import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCreate, systemNode } from '../test/run-create.ts'

// Every refusal happens before anything is written; every failure after that removes what was written.
// These run the built package on the system's Node (20 here), as `npm create` would.
const emptyDir = () => mkdtempSync(join(tmpdir(), 'create-shipshape-'))
// Nothing listens on port 9 of the loopback: the registry refuses at once, as on a machine that is offline.
const offline = {
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_fetch_retries: '0',
  pnpm_config_fetch_retries: '0',
}

describe('create-shipshape refuses bad input with a distinct exit code and writes nothing', () => {
  it.each([
    ['an unknown flag', ['my-platform', '--yse'], 2, /Unknown option '--yse'/],
    ['two directories', ['one', 'two', '--yes'], 2, /Expected one directory/],
    ['a workspace name npm refuses', ['My Platform', '--yes'], 3, /cannot name a workspace/],
    [
      'a service name that is a Windows device',
      ['ok', '--service', 'Bad_Name', '--yes'],
      3,
      /not a valid service name/,
    ],
    ['a reserved service name', ['ok', '--service', 'packages', '--yes'], 3, /reserved/],
  ])('%s', (_case, args, exitCode, message) => {
    const cwd = emptyDir()
    const result = runCreate(args, cwd, offline)
    expect(result.stderr).toMatch(message)
    expect(result.status).toBe(exitCode)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('a directory that exists and is not empty', () => {
    const cwd = emptyDir()
    mkdirSync(join(cwd, 'my-platform'))
    writeFileSync(join(cwd, 'my-platform', 'notes.txt'), 'mine')
    const result = runCreate(['my-platform', '--yes'], cwd, offline)
    expect(result.status).toBe(6)
    expect(result.stderr).toMatch(/already exists and is not empty \(notes.txt\)/)
    expect(readdirSync(join(cwd, 'my-platform'))).toEqual(['notes.txt'])
  })

  it('prints its usage with --help', () => {
    const result = runCreate(['--help'], emptyDir())
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^Usage: npm create shipshape@latest/)
  })

  it(`runs on the system's Node (${systemNode})`, () => {
    const result = runCreate(['--help'], emptyDir())
    expect(result.stderr).toBe('')
  })
})

describe('create-shipshape removes what it wrote when a step fails, and never says what to run next', () => {
  it('the registry is unreachable during the install', () => {
    const cwd = emptyDir()
    const result = runCreate(['my-platform', '--yes'], cwd, offline)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(
      /create-shipshape: pnpm install failed \(exit 1: the registry refused the connection: ERR_PNPM_\w+\)\. Nothing was left behind\./,
    )
    expect(result.stdout).not.toMatch(/Start it|Created my-platform/)
    expect(existsSync(join(cwd, 'my-platform'))).toBe(false)
  })

  it('the registry is unreachable while fetching the pinned Node, into an empty folder that stays', () => {
    const cwd = emptyDir()
    mkdirSync(join(cwd, 'my-platform'))
    const result = runCreate(['my-platform', '--yes'], cwd, {
      ...offline,
      SHIPSHAPE_TOOLS: join(cwd, 'tools'),
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(
      /Installing node@\d+\.\d+\.\d+ with npm failed \(exit 1: the registry refused the connection\)/,
    )
    expect(result.stdout).not.toMatch(/Start it/)
    expect(readdirSync(join(cwd, 'my-platform'))).toEqual([])
  })
})
