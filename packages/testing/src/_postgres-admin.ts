export function withDatabaseName(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * Drops a test database and ends the sessions still in it. `WITH (FORCE)` refuses (42501) when one of them is a
 * process the test role may not signal, such as an autovacuum worker that started on the database (seen in CI
 * after a busy suite): then end the client sessions and drop without FORCE, which waits for autovacuum to
 * step aside.
 */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  try {
    await runAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error
    await runAdmin(
      serverUrl,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = '${name}' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    )
    await runAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name}`)
  }
}

// Test database names are generated above (hex only), so the statements built from them are not injectable.
export async function runAdmin(serverUrl: string, statement: string): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
