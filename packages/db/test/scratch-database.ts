import { randomBytes } from 'node:crypto'
import { Client } from 'pg'

export function getAdminUrl(): string {
  const url = process.env.PG_ADMIN_URL
  if (!url) {
    throw new Error(
      'PG_ADMIN_URL is not set: these tests need a real PostgreSQL (source tooling/scripts/services.sh)',
    )
  }
  return url
}

// @shipshape/testing depends on this package, so these tests cannot use it (a dependency cycle). This is the
// kit's `createScratchDatabase` shape ({ name, url, drop }) plus what only this package's tests need: an admin
// connection and URLs for other roles. See packages/testing/README.md.

export interface ScratchDatabase {
  name: string
  url: string
  /** A superuser connection to the server, for setup and for killing backends. */
  admin: Client
  /** The URL of the same database for another role. */
  getUrlFor: (user: string, password: string) => string
  drop: () => Promise<void>
}

/** A fresh database per test file, so files can run in parallel against one server. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const adminUrl = getAdminUrl()
  const name = `test_${randomBytes(6).toString('hex')}`
  const admin = new Client({ connectionString: adminUrl })
  admin.on('error', () => undefined)
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const getUrlFor = (user: string, password: string): string => {
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    url.username = user
    url.password = password
    return url.toString()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    admin,
    getUrlFor,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

/** Polls `check` until it returns true; rejects after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
