import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse, stringify } from 'yaml'
import { ensureVerdaccio } from './_install-verdaccio.ts'
import { getFreePort, loopbackHost } from './_loopback.ts'
import { run } from './_run.ts'
import { createVerdaccioConfig } from './_verdaccio-config.ts'
import { killVerdaccio, readLogTail, spawnVerdaccio, waitUntilReady } from './_verdaccio-process.ts'
import { RegistryError } from './errors.ts'

export interface StartRegistryOptions {
  /** Parent folder of the registry's temporary folder (storage, config, log, .npmrc). Default: the OS temp dir. */
  dir?: string
  /** The registry to proxy everything else to. Default: what `npm config get registry` prints. */
  uplink?: string
  /** Package-name patterns served only from this registry, never proxied. */
  localPackages?: readonly string[]
  /** How long Verdaccio may take to answer before start-up counts as failed. */
  startTimeoutMs?: number
}

export interface Registry {
  /** `http://127.0.0.1:<port>/` */
  url: string
  /** A token of a user created at start, allowed to publish. */
  token: string
  /** Path of a temporary .npmrc: `registry=` this registry and its `_authToken` line. */
  npmrc: string
  /** Point an npm or pnpm child process at this registry: `{ ...process.env, ...registry.env }`. */
  env: Record<string, string>
  /** Verdaccio's log, JSON lines; removed by stop(). */
  logFile: string
  /** Kills Verdaccio and removes its folder. Safe to call twice. */
  stop(): Promise<void>
}

export const defaultLocalPackages = ['@shipshape/*', 'create-shipshape'] as const

const portAttempts = 3

/**
 * Starts a throwaway Verdaccio on 127.0.0.1 and a free port, with empty storage, the packages matching
 * `localPackages` served locally only and everything else proxied, and a user who may publish.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<Registry> {
  const bin = await ensureVerdaccio()
  const uplink = options.uplink ?? (await getNpmRegistry())
  const root = await mkdtemp(join(options.dir ?? tmpdir(), 'shipshape-registry-'))
  const logFile = join(root, 'verdaccio.log')
  const configFile = join(root, 'config.yaml')
  const defaults = parse(await readFile(getDefaultConfigPath(bin), 'utf8')) as Record<string, unknown>
  let stop = () => rm(root, { recursive: true, force: true })
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await getFreePort()
      const url = `http://${loopbackHost}:${port}/`
      const localPackages = options.localPackages ?? defaultLocalPackages
      const config = createVerdaccioConfig(defaults, { dir: root, port, uplink, localPackages })
      await writeFile(configFile, stringify(config))
      const child = await spawnVerdaccio(bin, configFile, logFile)
      stop = async () => {
        await killVerdaccio(child)
        await rm(root, { recursive: true, force: true })
      }
      try {
        await waitUntilReady(child, url, logFile, options.startTimeoutMs ?? 30_000)
      } catch (error) {
        await killVerdaccio(child)
        const portTaken = (await readLogTail(logFile)).includes('EADDRINUSE')
        if (portTaken && attempt < portAttempts) continue
        throw error
      }
      const token = await createUser(url)
      const npmrc = join(root, '.npmrc')
      const host = `//${loopbackHost}:${port}/`
      await writeFile(npmrc, `registry=${url}\n${host}:_authToken=${token}\n`, { mode: 0o600 })
      return { url, token, npmrc, env: getRegistryEnv(url, npmrc), logFile, stop: once(stop) }
    }
  } catch (error) {
    await stop()
    throw error
  }
}

function getRegistryEnv(url: string, npmrc: string): Record<string, string> {
  return {
    npm_config_registry: url,
    npm_config_userconfig: npmrc,
    // pnpm 12 reads its settings from PNPM_CONFIG_* and ignores npm_config_registry.
    PNPM_CONFIG_REGISTRY: url,
  }
}

async function getNpmRegistry(): Promise<string> {
  const result = await run('npm', ['config', 'get', 'registry'], { timeoutMs: 30_000 })
  const url = result.stdout.trim()
  if (result.code !== 0 || !URL.canParse(url)) {
    throw new RegistryError(
      'SHIPSHAPE_REGISTRY_START_FAILED',
      `npm config get registry failed: ${result.stderr}`,
    )
  }
  return url
}

/** The default configuration shipped inside the installed Verdaccio, the base of ours. */
function getDefaultConfigPath(bin: string): string {
  const require = createRequire(join(dirname(bin), '..', 'package.json'))
  return require.resolve('@verdaccio/config/build/conf/default.yaml')
}

/** Registers a user through the CouchDB-style endpoint `npm adduser` uses; the answer carries a token. */
async function createUser(url: string): Promise<string> {
  const name = 'shipshape-ci'
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: randomBytes(24).toString('hex') }),
    signal: AbortSignal.timeout(15_000),
  })
  const body = (await response.json().catch(() => ({}))) as { token?: unknown }
  if (!response.ok || typeof body.token !== 'string') {
    throw new RegistryError(
      'SHIPSHAPE_REGISTRY_AUTH_FAILED',
      `Creating the publishing user failed: HTTP ${response.status} ${JSON.stringify(body)}`,
    )
  }
  return body.token
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined
  return () => {
    done ??= fn()
    return done
  }
}
