import { createHash } from 'node:crypto'
import { access, copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { run, tail } from './_run.ts'
import { RegistryError } from './errors.ts'

const pinDir = new URL('../verdaccio/', import.meta.url).pathname
const pinFiles = ['package.json', 'package-lock.json'] as const

/** Where an install of exactly this lockfile lives: a new pin gets a new folder, an old one stays valid. */
async function getInstallDir(): Promise<string> {
  const hash = createHash('sha256')
  for (const file of pinFiles) hash.update(await readFile(join(pinDir, file)))
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(cache, 'shipshape', `verdaccio-${hash.digest('hex').slice(0, 16)}`)
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

/**
 * Installs the pinned Verdaccio with `npm ci` unless this lockfile is installed already, and returns the
 * path of its executable. The install happens beside the target and is renamed into place, so a folder that
 * exists is complete, and two test files installing at once cannot leave a half-written one.
 */
export async function ensureVerdaccio(): Promise<string> {
  const dir = await getInstallDir()
  const bin = join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio')
  if (await exists(bin)) return bin

  await mkdir(join(dir, '..'), { recursive: true })
  const staging = await mkdtemp(`${dir}.tmp-`)
  try {
    for (const file of pinFiles) await copyFile(join(pinDir, file), join(staging, file))
    // No install scripts: nothing in Verdaccio's tree needs one, and none may run on a CI machine unasked.
    const args = ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']
    const result = await run('npm', args, { cwd: staging })
    if (result.code !== 0) {
      throw new RegistryError(
        'SHIPSHAPE_REGISTRY_INSTALL_FAILED',
        `npm ci of the pinned Verdaccio failed (exit ${result.code}):\n${tail(result.stderr)}`,
      )
    }
    await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished the same install first; theirs is as good as ours.
      if (!(await exists(bin))) throw error
    })
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  return bin
}
