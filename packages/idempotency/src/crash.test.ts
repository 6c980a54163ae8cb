import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { PostgresTestDatabase } from '@shipshape/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createItemsDatabase, type ItemsApp, postItem, startItemsApp } from '../test/items-app.ts'

let database: PostgresTestDatabase
const apps: ItemsApp[] = []
const children: ChildProcess[] = []

beforeAll(async () => {
  database = await createItemsDatabase()
})

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  for (const app of apps) await app.close()
  await database?.destroy()
})

/** Starts the crash child and resolves its base URL plus a promise for its "effect" line. */
async function startChild(): Promise<{ child: ChildProcess; baseUrl: string; effect: Promise<void> }> {
  const script = fileURLToPath(new URL('../test/crash-child.ts', import.meta.url))
  const args = ['--conditions=@shipshape/source', script, database.url]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const lines = createInterface({ input: child.stdout ?? process.stdin })
  const effect = Promise.withResolvers<void>()
  const listening = Promise.withResolvers<string>()
  lines.on('line', (line) => {
    if (line === 'effect') effect.resolve()
    if (line.startsWith('listening ')) listening.resolve(line.slice('listening '.length))
  })
  child.on('exit', () => listening.reject(new Error('the crash child exited before listening')))
  return { child, baseUrl: await listening.promise, effect: effect.promise }
}

/** Retries while the key is reported in progress (the dead session may take a moment to be reaped). */
async function postUntilSettled(baseUrl: string, key: string, body: unknown) {
  const deadline = Date.now() + 20_000
  for (;;) {
    const response = await postItem(baseUrl, key, body)
    if (response.status !== 409 || Date.now() > deadline) return response
    await sleep(100)
  }
}

describe('failures while a request holds a key', () => {
  it('SIGKILL mid-request rolls back the effect and frees the key; the retry runs it exactly once', async () => {
    const key = randomUUID()
    const body = { name: 'survives a crash' }
    const { child, baseUrl, effect } = await startChild()
    const inFlight = postItem(baseUrl, key, body).then(
      () => 'answered',
      () => 'connection lost',
    )
    await effect
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    expect(await inFlight).toBe('connection lost')

    const fresh = await startItemsApp({ url: database.url })
    apps.push(fresh)
    const retried = await postUntilSettled(fresh.baseUrl, key, body)
    expect(retried.status).toBe(201)
    expect(retried.headers.get('idempotent-replayed')).toBeNull()
    expect(await fresh.countItems()).toBe(1)
    const replayed = await postItem(fresh.baseUrl, key, body)
    expect(replayed.text).toBe(retried.text)
    expect(await fresh.countItems()).toBe(1)
  })

  it('a handler hung past idleTimeoutMs loses its session, so the key is not blocked forever', async () => {
    const key = randomUUID()
    const body = { name: 'hung' }
    const release = Promise.withResolvers<void>()
    const effect = Promise.withResolvers<void>()
    const hung = await startItemsApp({
      url: database.url,
      hold: release.promise,
      onEffect: () => effect.resolve(),
      plugin: { idleTimeoutMs: 300 },
    })
    apps.push(hung)
    const abort = new AbortController()
    const inFlight = fetch(`${hung.baseUrl}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
      signal: abort.signal,
    }).catch(() => 'aborted')
    await effect.promise
    const before = await hung.countItems()

    const other = await startItemsApp({ url: database.url })
    apps.push(other)
    const retried = await postUntilSettled(other.baseUrl, key, body)
    expect(retried.status).toBe(201)
    expect((await other.countItems()) - before).toBe(1)

    release.resolve()
    abort.abort()
    await inFlight
    const replayed = await postItem(other.baseUrl, key, body)
    expect(replayed.text).toBe(retried.text)
    expect((await other.countItems()) - before).toBe(1)
  })

  it('a handler still running after a handler timeout answered 503 keeps the key until it stops', async () => {
    const timed = await startItemsApp({ url: database.url, handlerTimeoutMs: 200 })
    apps.push(timed)
    const post = () => fetch(`${timed.baseUrl}/slow`, { method: 'POST', headers: { 'idempotency-key': key } })
    const key = randomUUID()
    const before = await timed.countItems()
    expect((await post()).status).toBe(503)
    expect((await post()).status).toBe(409)
    await sleep(1500)
    expect((await timed.countItems()) - before).toBe(0)
    expect((await post()).status).toBe(503)
  })

  it('a database that does not answer gives a 5xx problem, never a crash or a leaked driver message', async () => {
    const url = new URL(database.url)
    url.pathname = '/idempotency_missing_database'
    const dead = await startItemsApp({ url: url.href })
    apps.push(dead)
    const response = await postItem(dead.baseUrl, randomUUID(), { name: 'nowhere' })
    expect(response.status).toBeGreaterThanOrEqual(500)
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(response.text).not.toMatch(/idempotency_missing_database|does not exist|pg_try_advisory/)
  })
})
