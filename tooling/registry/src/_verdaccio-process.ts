import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { open, readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { killOnExit, tail } from './_run.ts'
import { RegistryError } from './errors.ts'

const guard = new URL('./_orphan-guard.mjs', import.meta.url).href

/** Starts Verdaccio with its output in `logFile`; it exits when this process does, however that happens. */
export async function spawnVerdaccio(
  bin: string,
  configFile: string,
  logFile: string,
): Promise<ChildProcess> {
  const log = await open(logFile, 'w')
  try {
    const child = spawn(process.execPath, ['--import', guard, bin, '--config', configFile], {
      stdio: ['pipe', log.fd, log.fd],
    })
    killOnExit(child)
    // Neither the child nor its stdin pipe keeps this process alive: a test run that forgets stop() ends,
    // and its end closes the pipe, which ends the registry.
    child.unref()
    ;(child.stdin as unknown as { unref(): void }).unref()
    return child
  } finally {
    await log.close()
  }
}

export async function readLogTail(logFile: string): Promise<string> {
  return tail(await readFile(logFile, 'utf8').catch(() => ''), 30)
}

/** Polls `/-/ping` until it answers 200; fails with the log tail if the process exits or time runs out. */
export async function waitUntilReady(child: ChildProcess, url: string, logFile: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new RegistryError(
        'SHIPSHAPE_REGISTRY_START_FAILED',
        `Verdaccio exited (${child.exitCode ?? child.signalCode}) before it answered on ${url}:\n${await readLogTail(logFile)}`,
      )
    }
    const ok = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) return
    await sleep(100)
  }
  throw new RegistryError(
    'SHIPSHAPE_REGISTRY_START_FAILED',
    `Verdaccio did not answer on ${url} within ${timeoutMs} ms:\n${await readLogTail(logFile)}`,
  )
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. Resolves once the process is gone. */
export async function killVerdaccio(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}
