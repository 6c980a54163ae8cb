import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DockerfileParser, ModifiableInstruction } from 'dockerfile-ast'
import { getFreePort } from './free-port.ts'

export interface DockerInstruction {
  keyword: string
  args: string
}

/**
 * A Dockerfile as instructions, one list per stage (dockerfile-ast, the parser `shipshape doctor` reads
 * Dockerfiles with): continuation lines joined, comments dropped; `args` is the flags (`--from=build`), then
 * the arguments, separated by single spaces; a `CMD` in exec form stays the JSON it was written as.
 */
export function readDockerStages(text: string): DockerInstruction[][] {
  const stages: DockerInstruction[][] = []
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword()
    if (keyword === 'FROM') stages.push([])
    const flags =
      instruction instanceof ModifiableInstruction
        ? instruction.getFlags().map((flag) => `--${flag.getName()}=${flag.getValue()}`)
        : []
    const words = instruction.getArguments().map((argument) => argument.getValue())
    stages.at(-1)?.push({ keyword, args: [...flags, ...words].join(' ') })
  }
  return stages
}

export interface ImageRehearsalOptions {
  /** The service's Dockerfile: a build stage (`COPY . .`, then `RUN`s into `/deploy`) and a runtime stage. */
  dockerfile: string
  /**
   * Runs one of the build stage's `RUN` lines (with `/deploy` already replaced) in the workspace, as the
   * build stage would; `bin` holds a `node` the runtime user can run, to put first on `PATH`.
   */
  run: (command: string, bin: string) => void
  /** Build-stage steps to leave out (the workspace is installed already): default `pnpm install`. */
  skip?: RegExp
}

export interface ImageRehearsal {
  /** The runtime stage's files, as its `COPY --from=build` lines put them (`/app`). */
  appDir: string
  /** The build stage's `/deploy`. */
  deployDir: string
  /** The runtime stage's `ENV`, with `/app` replaced by `appDir`. */
  env: Record<string, string>
  /** The `CMD`'s arguments after `node`. */
  args: string[]
  /** The runtime `USER`, or this process's user when it cannot become another (not root). */
  user: { uid: number; gid: number }
  /** A `node` that user can run (a hard link to, or a copy of, this one). */
  node: string
  /** Removes every file the rehearsal made. */
  remove(): void
}

/**
 * The image's steps without a Docker engine: the build stage's `RUN` lines after `COPY . .` (but the
 * install), with `/deploy` in a temporary directory, then the runtime stage's `COPY --from=build` lines into
 * another (symlinks kept as they are, as `COPY` keeps them), its `ENV`, `CMD` and `USER`. Start the result with
 * `spawn(node, args, { cwd: appDir, env: { ...env, ... }, ...user })`. Throws when a `COPY` names a file the
 * build did not make, or the stages are not the shape above.
 */
export function rehearseImage(options: ImageRehearsalOptions): ImageRehearsal {
  const [build = [], runtime = []] = readDockerStages(readFileSync(options.dockerfile, 'utf8'))
  const scratch = mkdtempSync(join(tmpdir(), 'image-'))
  // The runtime user must reach everything the image holds (mkdtemp makes the directory 0700).
  chmodSync(scratch, 0o755)
  const deployDir = join(scratch, 'deploy')
  const appDir = join(scratch, 'app')
  const bin = join(scratch, 'bin')
  const remove = () => rmSync(scratch, { recursive: true, force: true })
  try {
    const [uid = 0, gid = 0] = (find(runtime, 'USER') ?? '0:0').split(':').map(Number)
    const root = process.getuid?.() === 0
    const user = root ? { uid, gid } : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }
    mkdirSync(bin)
    const node = linkNode(bin)

    const sources = build.findIndex((i) => i.keyword === 'COPY' && i.args === '. .')
    if (sources < 0) throw new Error('the build stage has no `COPY . .`')
    const skip = options.skip ?? /\bpnpm install\b/
    for (const step of build.slice(sources + 1))
      if (step.keyword === 'RUN' && !skip.test(step.args))
        options.run(
          step.args
            .replaceAll('/deploy', deployDir)
            .replace(/--user \d+:\d+/, `--user ${user.uid}:${user.gid}`),
          bin,
        )

    const env: Record<string, string> = {}
    for (const instruction of runtime) {
      if (instruction.keyword === 'COPY') {
        const [from, source = '', target = ''] = instruction.args.split(/\s+/)
        if (from !== '--from=build' || !source.startsWith('/deploy'))
          throw new Error(`a runtime COPY this rehearsal does not know: COPY ${instruction.args}`)
        const made = source.replace(/^\/deploy/, deployDir)
        if (!existsSync(made))
          throw new Error(`COPY ${instruction.args}: the build stage did not make ${source}`)
        cpSync(made, join(appDir, target), { recursive: true, verbatimSymlinks: true })
      }
      if (instruction.keyword === 'ENV')
        for (const pair of instruction.args.split(/\s+/)) {
          const [key = '', value = ''] = pair.split('=')
          env[key] = value.replace(/^\/app(?=\/|$)/, appDir)
        }
    }
    const cmd = find(runtime, 'CMD')
    if (cmd === undefined) throw new Error('the runtime stage has no CMD')
    const [command, ...args] = JSON.parse(cmd) as string[]
    if (command !== 'node') throw new Error(`the CMD runs ${command}, not node`)
    return { appDir, deployDir, env, args, user, node, remove }
  } catch (error) {
    remove()
    throw error
  }
}

/**
 * `dir/node`: this process's `node` as a hard link (a copy across file systems), so another user can run it
 * where this one lives under a home only its owner may enter.
 */
export function linkNode(dir: string): string {
  const node = join(dir, 'node')
  try {
    linkSync(process.execPath, node)
  } catch {
    copyFileSync(process.execPath, node)
  }
  return node
}

function find(stage: DockerInstruction[], keyword: string): string | undefined {
  return stage.findLast((instruction) => instruction.keyword === keyword)?.args
}

/** A rehearsed image, started as a container runs it. */
export interface StartedImage {
  baseUrl: string
  /** What the service wrote to stderr so far (Node's account of the compile cache among it). */
  stderr(): string
  /** Sends SIGTERM (or `signal`) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts a rehearsed image as a deployment does: its migration job (`node dist/migrate.js`), then its `CMD`,
 * both as its `USER` in `appDir`, with its `ENV`, what production requires (a free port on loopback, fresh
 * `JWT_SECRET` and `WEBHOOK_SECRET`, the service's own origin) and `env` on top; nothing else of this
 * process's environment (`PATH` is `/usr/bin:/bin` unless `env` gives one). Node reports on stderr what it
 * did with each module's compile cache (`NODE_DEBUG_NATIVE=COMPILE_CACHE`), and a bundle's loader
 * (`@shipshape/bundle`) with its script's code cache (`NODE_DEBUG=shipshape`). Resolves once `/readyz` answers
 * 200; throws with the service's stderr when it exits first or is not ready within `timeoutMs`.
 */
export async function startImage(
  image: ImageRehearsal,
  env: { DATABASE_URL: string } & Record<string, string>,
  timeoutMs = 30_000,
): Promise<StartedImage> {
  const port = await getFreePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const options = {
    cwd: image.appDir,
    ...image.user,
    env: {
      ...image.env,
      PATH: '/usr/bin:/bin',
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      AUTH_ORIGINS: baseUrl,
      NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
      NODE_DEBUG: 'shipshape',
      ...env,
    },
  }
  execFileSync(image.node, ['dist/migrate.js'], { ...options, stdio: 'pipe' })
  const service = spawn(image.node, image.args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  service.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = once(service, 'exit')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const status = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.status,
      () => 0,
    )
    if (status === 200) break
    if (service.exitCode !== null || service.signalCode !== null || Date.now() > deadline) {
      service.kill('SIGKILL')
      await exited
      throw new Error(
        `the image's CMD did not get ready (last /readyz: ${status || 'no answer'}):\n${stderr}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    baseUrl,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (service.exitCode === null && service.signalCode === null) service.kill(signal)
      const [code] = await exited
      return code as number | null
    },
  }
}

/** `execFileSync('sh', ['-c', command])` in `cwd` with `bin` first on `PATH`: `run` for a plain workspace. */
export function runInWorkspace(cwd: string): (command: string, bin: string) => void {
  return (command, bin) => {
    execFileSync('sh', ['-c', command], {
      cwd,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      stdio: 'pipe',
    })
  }
}
