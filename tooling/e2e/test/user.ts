import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The Node and npm a new user has: the system's (20 here), not the workspace's pinned one. */
export const systemNode = '/usr/bin/node'
export const systemNpm = '/usr/bin/npm'

export type Machine = { home: string; env: NodeJS.ProcessEnv }

/**
 * A clean account on this machine: its own home, npm cache, pnpm store and toolchain folder, and a PATH
 * with only the system's Node and npm (and the system tools such as git and bash), pointed at `registry`.
 */
export function createMachine(registryEnv: Record<string, string>, shared?: Machine): Machine {
  const home = shared?.home ?? mkdtempSync(join(tmpdir(), 'shipshape-e2e-home-'))
  mkdirSync(home, { recursive: true })
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    ...(process.env.CI === undefined ? {} : { CI: process.env.CI }),
    ...registryEnv,
    npm_config_cache: join(home, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    pnpm_config_store_dir: join(home, 'pnpm-store'),
    SHIPSHAPE_TOOLS: join(home, 'tools'),
    XDG_CACHE_HOME: join(home, 'cache'),
    GIT_AUTHOR_NAME: 'New User',
    GIT_AUTHOR_EMAIL: 'new.user@example.com',
    GIT_COMMITTER_NAME: 'New User',
    GIT_COMMITTER_EMAIL: 'new.user@example.com',
  }
  return { home, env }
}

export type Run = { status: number | null; stdout: string; stderr: string; seconds: number }

/** Runs a shell command line as the user types it, and returns what they would see. */
export function sh(machine: Machine, cwd: string, line: string, env: NodeJS.ProcessEnv = {}): Run {
  const started = performance.now()
  const result = spawnSync('bash', ['-c', line], {
    cwd,
    env: { ...machine.env, ...env },
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    seconds: (performance.now() - started) / 1000,
  }
}

/** Starts a long-running command line in its own process group, as a terminal runs a foreground job. */
export function start(
  machine: Machine,
  cwd: string,
  line: string,
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  const child = spawn('bash', ['-c', line], {
    cwd,
    env: { ...machine.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const began = performance.now()
  const keep = (chunk: Buffer) => {
    const at = `[+${((performance.now() - began) / 1000).toFixed(1)}s] `
    output = (output + at + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  Object.defineProperty(child, 'output', { get: () => output })
  return child
}

export function outputOf(child: ChildProcess): string {
  return (child as ChildProcess & { output: string }).output
}

/** Ctrl-C: SIGINT to the whole foreground process group, then the exit code (or signal) of the job. */
export function interrupt(child: ChildProcess, timeoutMs = 15_000): Promise<number | string> {
  if (child.pid === undefined) throw new Error('the job never started')
  process.kill(-child.pid, 'SIGINT')
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after SIGINT`)), timeoutMs)
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer)
      resolve(code ?? signal ?? 'unknown')
    }
    if (child.exitCode !== null) return done(child.exitCode, null)
    child.once('exit', done)
  })
}

/** Polls `url` until it answers `status`, or fails with the job's output. */
export async function waitFor(url: string, status: number, job: ChildProcess, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (job.exitCode !== null)
      throw new Error(`exited ${job.exitCode} before ${url} answered:\n${outputOf(job)}`)
    const answer = await fetch(url).then(
      (response) => response.status,
      () => 0,
    )
    if (answer === status) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} never answered ${status}:\n${outputOf(job)}`)
}

const made: string[] = []

/** A fresh empty directory, the way a person starts. */
export function emptyDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-e2e-'))
  made.push(dir)
  return dir
}

/** Removes every directory and home this run made. */
export function removeAll(machine: Machine | undefined): void {
  for (const dir of [...made, ...(machine ? [machine.home] : [])])
    rmSync(dir, { recursive: true, force: true })
}
