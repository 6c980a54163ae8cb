import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { GeneratorError } from './errors.ts'

/** One change to a file under `root`: new content, or `undefined` to delete it. */
export type FileWrite = { path: string; content: string | undefined }

type Undo = { path: string; original: string | undefined; mode: number | undefined; createdDir?: string }

/**
 * Applies every write or none. Each file is written to a temporary sibling and renamed over the original
 * (so no file is ever half-written); when any step fails, the steps already done are undone in reverse,
 * so an error half way leaves the tree exactly as it was.
 */
export async function writeAllOrNothing(root: string, writes: FileWrite[]): Promise<void> {
  const done: Undo[] = []
  for (const write of writes) {
    try {
      done.push(await applyWrite(root, write))
    } catch (error) {
      const failedRollback = await undoAll(root, done)
      throw toWriteError(write.path, error, failedRollback)
    }
  }
}

async function applyWrite(root: string, write: FileWrite): Promise<Undo> {
  const target = join(root, write.path)
  const original = await readIfExists(target)
  const mode = original === undefined ? undefined : (await stat(target)).mode
  if (write.content === undefined) {
    await rm(target, { force: true })
    await removeEmptyParents(root, write.path)
    return { path: write.path, original, mode }
  }
  const createdDir = await findFirstMissingDir(root, dirname(write.path))
  const undo: Undo = { path: write.path, original, mode, ...(createdDir ? { createdDir } : {}) }
  await mkdir(dirname(target), { recursive: true })
  const temporary = `${target}.shipshape-${randomBytes(4).toString('hex')}`
  try {
    await writeFile(temporary, write.content)
    if (mode !== undefined) await chmod(temporary, mode)
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true })
    if (createdDir) await rm(join(root, createdDir), { recursive: true, force: true })
    throw error
  }
  return undo
}

async function undoAll(root: string, done: Undo[]): Promise<string[]> {
  const failed: string[] = []
  for (const step of [...done].reverse()) {
    try {
      await undoOne(root, step)
    } catch {
      failed.push(step.path)
    }
  }
  return failed
}

async function undoOne(root: string, step: Undo): Promise<void> {
  const target = join(root, step.path)
  if (step.original === undefined) await rm(target, { force: true })
  else {
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, step.original)
    if (step.mode !== undefined) await chmod(target, step.mode)
  }
  if (step.createdDir) await rm(join(root, step.createdDir), { recursive: true, force: true })
}

function toWriteError(path: string, cause: unknown, failedRollback: string[]): GeneratorError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  const outcome =
    failedRollback.length === 0
      ? 'every change was rolled back: the service is exactly as it was'
      : `rolling back also failed for ${failedRollback.join(', ')}: restore them from git`
  return new GeneratorError('SHIPSHAPE_WRITE_FAILED', `Writing ${path} failed (${reason}); ${outcome}.`, {
    cause,
  })
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The outermost folder of `dir` (relative to root) that does not exist yet: undoing a write removes it. */
async function findFirstMissingDir(root: string, dir: string): Promise<string | undefined> {
  let missing: string | undefined
  for (let current = dir; current !== '.' && current !== ''; current = dirname(current)) {
    const exists = await stat(join(root, current)).then(
      () => true,
      () => false,
    )
    if (exists) break
    missing = current
  }
  return missing
}

/** Removes the folders a deleted file leaves empty, up to (not including) root. */
export async function removeEmptyParents(root: string, file: string): Promise<void> {
  for (let dir = dirname(file); dir !== '.' && dir !== ''; dir = dirname(dir)) {
    const removed = await rmdir(join(root, dir)).then(
      () => true,
      () => false,
    )
    if (!removed) return
  }
}
