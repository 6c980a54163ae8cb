import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publishWorkspace, type Registry, startRegistry } from '@shipshape/registry'
import { createScratchDatabase, getFreePort, type ScratchDatabase } from '@shipshape/testing'
import { rehearseImage, startImage } from '@shipshape/testing/image'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishNextRelease } from './next-release.ts'
import {
  createMachine,
  emptyDirectory,
  interrupt,
  type Machine,
  outputOf,
  removeAll,
  sh,
  start,
  systemNpm,
  waitFor,
} from './user.ts'

// What a new user does, from nothing: every package of this tree published to a registry on loopback,
// then `npm create shipshape@latest` in an empty directory with only the system's Node and npm, then the
// commands the workspace's README and the creation's last line give. Real PostgreSQL, real HTTP.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const version = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')).version
const adminUrl = process.env.PG_ADMIN_URL ?? process.env.DATABASE_URL
const figures: string[] = []

let registry: Registry
let published: string[]
let machine: Machine
let platform: string

beforeAll(async () => {
  if (!adminUrl) throw new Error('DATABASE_URL is not set: bash tooling/scripts/test.sh starts PostgreSQL')
  registry = await startRegistry()
  published = await publishWorkspace(registry, { root: repoRoot })
  expect(published).toContain(`create-shipshape@${version}`)
  expect(published).toContain(`@shipshape/cli@${version}`)
  machine = createMachine(registry.env)
})

afterAll(async () => {
  const report = `npm create shipshape, measured:\n  ${figures.join('\n  ')}\n`
  console.log(`\n${report}`)
  mkdirSync(new URL('../.vitest/', import.meta.url), { recursive: true })
  writeFileSync(new URL('../.vitest/figures.txt', import.meta.url), report)
  await registry?.stop()
  removeAll(machine)
  for (const database of databases) await database.drop()
})

describe('npm create shipshape@latest, as a new user runs it', () => {
  it('makes a workspace with the first service, installed and committed, and says how to start it', () => {
    const cwd = emptyDirectory()
    const started = performance.now()
    const created = sh(machine, cwd, 'npm create shipshape@latest my-platform -- --yes')
    expect(created.stderr).not.toMatch(/create-shipshape: /)
    expect(created.status).toBe(0)
    platform = join(cwd, 'my-platform')
    for (const path of [
      'package.json',
      'turbo.json',
      'pnpm-workspace.yaml',
      '.node-version',
      'README.md',
      'packages',
      'templates',
      'apps/api/package.json',
      '.github/workflows/ci.yml',
      'renovate.json',
      'biome.json',
      'tooling/scripts/bootstrap.sh',
      'pnpm-lock.yaml',
    ]) {
      expect(existsSync(join(platform, path)), path).toBe(true)
    }
    const workspace = readFileSync(join(platform, 'pnpm-workspace.yaml'), 'utf8')
    expect(workspace).toContain(`"@shipshape/server": ${version}`)
    expect(workspace).toMatch(/allowBuilds:\n\s+esbuild: true/)
    expect(git(platform, ['status', '--porcelain'])).toBe('')
    expect(git(platform, ['log', '--oneline'])).toMatch(/^\w+ Create my-platform with shipshape\n$/)
    const next = created.stdout.trim().split('\n').at(-1)?.trim()
    expect(next).toBe('cd my-platform && source tooling/scripts/bootstrap.sh && pnpm --filter api dev')
    figures.push(`create, cold (empty npm cache, pnpm store and toolchain): ${created.seconds.toFixed(1)} s`)
    return startAsPrinted(cwd, next ?? '', started, 'cold')
  })

  it('adds a second service with the README command, whose tests pass on PostgreSQL', async () => {
    const added = sh(
      machine,
      platform,
      'source tooling/scripts/bootstrap.sh && pnpm shipshape new service billing --yes',
    )
    expect(added.stderr).not.toMatch(/shipshape: /)
    expect(added.status).toBe(0)
    const database = await createDatabase()
    const tested = sh(
      machine,
      platform,
      'source tooling/scripts/bootstrap.sh && pnpm --filter billing test',
      {
        DATABASE_URL: database,
        PG_ADMIN_URL: adminUrl,
      },
    )
    expect(tested.stdout + tested.stderr).not.toMatch(/will not run in this pass/)
    expect(tested.status, tested.stdout.slice(-3000)).toBe(0)
    const report = JSON.parse(readFileSync(join(platform, 'apps/billing/.vitest/results.json'), 'utf8'))
    expect(report.numFailedTests).toBe(0)
    expect(report.numPendingTests).toBe(0)
    expect(report.numPassedTests).toBeGreaterThan(40)
    figures.push(
      `pnpm --filter billing test: ${report.numPassedTests} passed in ${tested.seconds.toFixed(1)} s`,
    )
  })

  it('builds, migrates and starts the service as production does; SIGINT stops it with exit 0', async () => {
    const databaseUrl = await createDatabase()
    const run = (line: string) =>
      sh(machine, platform, `source tooling/scripts/bootstrap.sh && ${line}`, { DATABASE_URL: databaseUrl })
    const built = run('pnpm --filter billing build')
    expect(built.status, built.stderr).toBe(0)
    const migrated = run('pnpm --filter billing db:migrate')
    expect(migrated.status, migrated.stderr).toBe(0)
    const port = await getFreePort()
    // The start script itself, in the service's folder, so SIGINT reaches the service and not a pnpm in between.
    const startScript = JSON.parse(readFileSync(join(platform, 'apps/billing/package.json'), 'utf8')).scripts
      .start
    const service = start(
      machine,
      join(platform, 'apps/billing'),
      `source ../../tooling/scripts/bootstrap.sh >/dev/null && exec ${startScript}`,
      {
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        // The service's own origin follows the generated port; this run listens on another one.
        AUTH_ORIGINS: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'warn',
      },
    )
    const base = `http://127.0.0.1:${port}`
    await waitFor(`${base}/readyz`, 200, service)
    const signup = await fetch(`${base}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ email: 'new.user@example.com', password: 'violet lantern drifting seaward' }),
    })
    expect(signup.status, await signup.clone().text()).toBe(201)
    const cookie = signup.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ')
    const created = await fetch(`${base}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, cookie },
      body: JSON.stringify({ name: 'the first item' }),
    })
    expect(created.status, await created.clone().text()).toBe(201)
    expect(await interrupt(service)).toBe(0)
  })

  // No Docker engine here: the Dockerfile's steps, run in the user's workspace (`rehearseImage`): the
  // published packages' bins (`shipshape-compile-cache`), pnpm deploy's output, the runtime's COPY, ENV and
  // CMD as its USER, and the compile cache that user reads.
  it("builds the image's contents as billing's Dockerfile does; they start as its CMD starts them, compiled", async () => {
    const image = rehearseImage({
      dockerfile: join(platform, 'apps/billing/Dockerfile'),
      run: (command, bin) => {
        const step = sh(
          machine,
          platform,
          `source tooling/scripts/bootstrap.sh >/dev/null && export PATH="${bin}:$PATH" && ${command}`,
        )
        if (step.status !== 0) throw new Error(`${command}\n${step.stdout}${step.stderr}`)
      },
    })
    try {
      const service = await startImage(image, { DATABASE_URL: await createDatabase() })
      expect((await fetch(`${service.baseUrl}/readyz`)).status).toBe(200)
      expect(await service.stop(), service.stderr().slice(-4000)).toBe(0)
      const loader = `file://${join(image.appDir, 'dist', 'server.js')}`
      expect(service.stderr()).toContain(`V8 code cache for ESM ${loader} was accepted`)
      // The bundle's script, from the code cache made after a start (the functions the start ran).
      const codeCache = join(image.appDir, '.node-compile-cache', 'shipshape', 'server.bundle.cjs-')
      expect(service.stderr()).toMatch(new RegExp(`code cache ${codeCache}[0-9a-f]{8} accepted`))
    } finally {
      image.remove()
    }
  })

  it('a second workspace on the same machine (warm store and toolchain) is quicker to its first 200', () => {
    const cwd = emptyDirectory()
    const started = performance.now()
    const created = sh(machine, cwd, 'npm create shipshape@latest warm-platform -- --yes --service web')
    expect(created.status, created.stderr).toBe(0)
    figures.push(`create, warm: ${created.seconds.toFixed(1)} s`)
    return startAsPrinted(cwd, created.stdout.trim().split('\n').at(-1)?.trim() ?? '', started, 'warm')
  })
})

describe('shipshape upgrade, when the next release ships a template fix', () => {
  it('moves the catalog, installs it, and merges the fix into every service without losing an edit', () => {
    const inPlatform = (line: string) =>
      sh(machine, platform, `source tooling/scripts/bootstrap.sh >/dev/null && ${line}`)
    const server = join(platform, 'apps/api/src/server.ts')
    writeFileSync(server, `// our own note, kept through upgrades\n${readFileSync(server, 'utf8')}`)
    expect(inPlatform('git add -A && git commit -qm "billing, and a note in api"').status).toBe(0)

    const fix = '\n// shipped in the next release\n'
    const next = publishNextRelease(registry, published, { file: 'service/src/server.ts', append: fix })
    const check = inPlatform('pnpm shipshape upgrade --check')
    expect(check.stdout).toContain(`-> ${next}`)
    expect(check.status).toBe(20)

    const upgraded = inPlatform('pnpm shipshape upgrade')
    expect(upgraded.stderr).not.toMatch(/shipshape: /)
    expect(upgraded.status, upgraded.stdout.slice(-2000)).toBe(0)
    expect(upgraded.stdout).toContain(`The workspace is at shipshape ${next}.`)
    expect(readFileSync(join(platform, 'pnpm-workspace.yaml'), 'utf8')).toContain(
      `"@shipshape/server": ${next}`,
    )
    const merged = readFileSync(server, 'utf8')
    expect(merged.startsWith('// our own note, kept through upgrades\n')).toBe(true)
    expect(merged.endsWith(fix)).toBe(true)
    expect(readFileSync(join(platform, 'apps/billing/src/server.ts'), 'utf8').endsWith(fix)).toBe(true)
    expect(inPlatform('pnpm shipshape upgrade --check').status).toBe(0)
  })

  it("then passes the workspace README's own commands: everything lints, typechecks, builds and tests", async () => {
    const database = await createDatabase()
    // `pnpm lint` first, as the workspace CI runs it: Biome on the workspace, both services and the upgrade.
    const line =
      'source tooling/scripts/bootstrap.sh >/dev/null && pnpm lint && pnpm turbo run typecheck build test && pnpm shipshape list api'
    const result = sh(machine, platform, line, { DATABASE_URL: database, PG_ADMIN_URL: adminUrl })
    // Biome reports on stderr: both streams, so a lint failure says which file.
    expect(result.status, (result.stdout + result.stderr).slice(-3000)).toBe(0)
    expect(result.stdout).toMatch(/Tasks:\s+6 successful, 6 total/)
    expect(result.stdout).toMatch(/^base\s+\d+\.\d+\.\d+\s+(current|modified)/m)
    figures.push(
      `pnpm turbo run typecheck build test (api and billing, after the upgrade): ${result.seconds.toFixed(1)} s`,
    )
  })
})

describe('pnpm create shipshape', () => {
  it('makes the same workspace, through pnpm instead of npm', () => {
    const cwd = emptyDirectory()
    const tools = `${machine.home}/tools/node-$(cat ${platform}/.node-version)/bin:${machine.home}/tools/pnpm-${pnpmOf(platform)}/bin`
    const created = sh(
      machine,
      cwd,
      `export PATH="${tools}:$PATH" && pnpm create shipshape pnpm-platform --yes --service web`,
    )
    expect(created.stderr).not.toMatch(/create-shipshape: /)
    expect(created.status, created.stdout.slice(-2000)).toBe(0)
    expect(existsSync(join(cwd, 'pnpm-platform/apps/web/.shipshape/manifest.json'))).toBe(true)
    // Node and pnpm are already the pinned ones on this PATH: nothing to source before starting.
    expect(created.stdout.trim().split('\n').at(-1)?.trim()).toBe('cd pnpm-platform && pnpm --filter web dev')
  })
})

describe('npm create shipshape refuses honestly', () => {
  it('on a Node older than 20: one sentence, a non-zero exit, nothing written', () => {
    const old = emptyDirectory()
    const installed = sh(
      machine,
      old,
      `${systemNpm} install --global --prefix ${old}/node18 --no-audit --no-fund --loglevel=error node@18`,
    )
    expect(installed.status, installed.stderr).toBe(0)
    const cwd = emptyDirectory()
    const result = sh(machine, cwd, 'npm create shipshape@latest old-node -- --yes', {
      PATH: `${old}/node18/bin:/usr/bin:/bin`,
    })
    expect(result.stderr).toMatch(
      /create-shipshape: Node 18\.\d+\.\d+ is too old; Node 20 or newer is needed/,
    )
    expect(result.status).not.toBe(0)
    expect(existsSync(join(cwd, 'old-node'))).toBe(false)
  })

  it('in a directory that is not empty', () => {
    const cwd = emptyDirectory()
    sh(machine, cwd, 'mkdir taken && touch taken/notes.txt')
    const result = sh(machine, cwd, 'npm create shipshape@latest taken -- --yes')
    expect(result.stderr).toMatch(/already exists and is not empty/)
    expect(result.status).not.toBe(0)
    expect(sh(machine, cwd, 'ls -A taken').stdout).toBe('notes.txt\n')
  })
})

describe('pnpm dlx @shipshape/cli in a pnpm workspace shipshape did not create', () => {
  it('adds a working service, writing the catalog entries and allowBuilds the workspace lacks', () => {
    const cwd = emptyDirectory()
    const line = [
      `export PATH="${machine.home}/tools/node-$(cat ${platform}/.node-version)/bin:${machine.home}/tools/pnpm-${pnpmOf(platform)}/bin:$PATH"`,
      'printf \'{"name":"theirs","private":true}\' > package.json',
      "printf 'packages:\\n  - services/*\\n' > pnpm-workspace.yaml",
      `pnpm dlx @shipshape/cli@${version} new service orders --yes`,
      'pnpm --filter orders typecheck',
    ].join(' && ')
    const result = sh(machine, cwd, line)
    expect(result.stderr).not.toMatch(/shipshape: /)
    expect(result.status, result.stdout.slice(-2000)).toBe(0)
    expect(result.stdout).toMatch(/Added to pnpm-workspace.yaml:\n\s+packages: apps\/\*/)
    const workspace = readFileSync(join(cwd, 'pnpm-workspace.yaml'), 'utf8')
    expect(workspace).toContain('- services/*')
    expect(workspace).toContain(`"@shipshape/db": ${version}`)
  })
})

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' })
}

function pnpmOf(root: string): string {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.replace('pnpm@', '')
}

/** Runs the command the creation printed, exactly, and times from the empty directory to the first 200. */
async function startAsPrinted(cwd: string, line: string, since: number, store: string) {
  const port = await getFreePort()
  const launched = performance.now()
  const job = start(machine, cwd, line, { PORT: String(port) })
  await waitFor(`http://127.0.0.1:${port}/readyz`, 200, job)
  const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1)
  figures.push(
    `empty directory to the first /readyz 200 of the dev server, ${store}: ${seconds(since)} s (the printed command: ${seconds(launched)} s)`,
  )
  console.log(outputOf(job))
  const exit = await interrupt(job)
  expect([0, 130]).toContain(exit)
}

const databases: ScratchDatabase[] = []

/** A database of this run's own, from the test kit; dropped when the run ends. */
async function createDatabase(): Promise<string> {
  const database = await createScratchDatabase(adminUrl)
  databases.push(database)
  return database.url
}
