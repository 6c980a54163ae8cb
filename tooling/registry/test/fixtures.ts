import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../src/_run.ts'

/** A temporary folder, and the function that removes it. */
export async function createTempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `shipshape-registry-test-${prefix}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** Writes a package folder: its manifest plus any other files given by relative path. */
export async function writePackage(
  dir: string,
  manifest: Record<string, unknown>,
  files: Record<string, string> = {},
): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
}

/**
 * The npm of the system's Node 20, as a user without our toolchain has it. Run through /usr/bin/node so
 * its `#!/usr/bin/env node` line cannot pick up the Node 24 that is first on PATH.
 */
export function runSystemNpm(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return run('/usr/bin/node', ['/usr/bin/npm', ...args], { ...options, timeoutMs: 120_000 })
}
