import { randomBytes } from 'node:crypto'

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

function getAdminUrl(): string {
  const url = process.env.PG_ADMIN_URL
  if (url === undefined || url === '') {
    throw new Error('PG_ADMIN_URL is not set: these tests need a real PostgreSQL (see COMMON.md)')
  }
  return url
}

// pg is imported lazily: a test that starts telemetry must load it only afterwards to get it patched.
async function runAdmin(adminUrl: string, sql: string): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A database of its own for one test file, so files can run in parallel. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = getAdminUrl()
  const name = `test_${randomBytes(6).toString('hex')}`
  await runAdmin(adminUrl, `CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => runAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}
