import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { listWorkspacePackages, packPackage, repoRoot } from './packed-package.ts'

const catalogVersion = (name: string) => {
  const workspace = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8')
  const match = new RegExp(`^\\s+"?${name}"?: (\\S+)$`, 'm').exec(workspace)
  if (!match?.[1]) throw new Error(`${name} is not in the pnpm catalog`)
  return match[1]
}

// What a service outside this repository writes: a schema from @shipshape/config, the shared presets.
const consumerFiles = {
  'tsconfig.json': JSON.stringify({ extends: '@shipshape/tsconfig/base.json', include: ['src', 'test'] }),
  'vitest.config.ts': [
    "import { defineTestConfig } from '@shipshape/vitest-config'",
    '',
    'export default defineTestConfig()',
    '',
  ].join('\n'),
  'src/config.ts': [
    "import { defineServiceEnv, type InferEnv } from '@shipshape/config'",
    '',
    'export const envSchema = defineServiceEnv({ defaultPort: 4100, fields: {} })',
    'export type Env = InferEnv<typeof envSchema>',
    '',
  ].join('\n'),
  'test/config.test.ts': [
    "import { loadEnv } from '@shipshape/config'",
    "import { expect, it } from 'vitest'",
    "import { envSchema } from '../src/config.ts'",
    '',
    "it('loads the environment with the packed config package', () => {",
    '  const port: number = loadEnv(envSchema, {}).PORT',
    '  expect(port).toBe(4100)',
    '})',
    '',
  ].join('\n'),
}

it('installs the packed config and presets with npm outside this repository, then passes tsc and vitest', () => {
  const packages = listWorkspacePackages()
  const tarballOf = (name: string) => {
    const pkg = packages.find((candidate) => candidate.name === name)
    if (!pkg) throw new Error(`${name} is not a workspace package`)
    return packPackage(pkg.path).tarball
  }
  const project = mkdtempSync(join(tmpdir(), 'shipshape-consumer-'))
  const manifest = {
    name: 'consumer',
    private: true,
    type: 'module',
    devDependencies: {
      '@shipshape/config': `file:${tarballOf('@shipshape/config')}`,
      '@shipshape/tsconfig': `file:${tarballOf('@shipshape/tsconfig')}`,
      '@shipshape/vitest-config': `file:${tarballOf('@shipshape/vitest-config')}`,
      '@types/node': catalogVersion('@types/node'),
      typescript: catalogVersion('typescript'),
      vitest: catalogVersion('vitest'),
    },
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2))
  for (const [file, content] of Object.entries(consumerFiles)) {
    mkdirSync(join(project, file, '..'), { recursive: true })
    writeFileSync(join(project, file), content)
  }
  const env = {
    ...process.env,
    npm_config_cache: join(project, '.npm-cache'),
    npm_config_update_notifier: 'false',
  }
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, env, stdio: 'pipe' })

  const tsc = spawnSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], {
    cwd: project,
    env,
    encoding: 'utf8',
  })
  expect(tsc.stdout + tsc.stderr).toBe('')
  expect(tsc.status).toBe(0)

  const vitest = spawnSync('npx', ['--no-install', 'vitest', 'run'], { cwd: project, env, encoding: 'utf8' })
  expect(vitest.stdout, vitest.stderr).toContain('1 passed')
  expect(vitest.status).toBe(0)
}, 300_000)
