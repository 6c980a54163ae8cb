import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const serviceDir = fileURLToPath(new URL('..', import.meta.url))

it('refuses to start on a bad production environment, names every variable and prints no stack', () => {
  const result = spawnSync(process.execPath, ['--conditions=@shipshape/source', 'src/server.ts'], {
    cwd: serviceDir,
    env: { PATH: process.env.PATH, APP_ENV: 'production', CORS_ORIGINS: '*', SHUTDOWN_GRACE_MS: '-5' },
    encoding: 'utf8',
    timeout: 20_000,
  })
  expect(result.status).toBe(1)
  for (const variable of ['DATABASE_URL', 'CORS_ORIGINS', 'SHUTDOWN_GRACE_MS'])
    expect(result.stderr).toContain(variable)
  expect(result.stderr).not.toMatch(/\n\s+at /)
})
