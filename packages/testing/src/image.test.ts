import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type ImageRehearsal, readDockerStages, rehearseImage, runInWorkspace, startImage } from './image.ts'

const workspace = mkdtempSync(join(tmpdir(), 'image-test-'))
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

function dockerfile(runtimeCopies: string): string {
  const file = join(workspace, `Dockerfile-${Math.random().toString(36).slice(2)}`)
  writeFileSync(
    file,
    `# syntax=docker/dockerfile:1
FROM node:24 AS build
WORKDIR /workspace
RUN echo before the sources > /deploy-never
COPY . .
# The workspace is installed already: a rehearsal that ran this would fail.
RUN pnpm install --offline --frozen-lockfile && exit 1
RUN mkdir -p /deploy/dist /deploy/node_modules \\
  && echo 'console.log(1)' > /deploy/dist/server.js \\
  && ln -s ../dist /deploy/node_modules/linked
RUN echo "made with --user 1000:1000" > /deploy/dist/user.txt

FROM node:24 AS runtime
ENV APP_ENV=production HOST=0.0.0.0
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
WORKDIR /app
${runtimeCopies}
USER 1000:1000
CMD ["node", "--max-semi-space-size=16", "dist/server.js"]
`,
  )
  return file
}

describe('rehearseImage', () => {
  it("runs the build stage's steps after the sources into a /deploy of its own, and lays out the runtime stage", () => {
    const image = rehearseImage({
      dockerfile: dockerfile(
        'COPY --from=build /deploy/dist ./dist\nCOPY --from=build /deploy/node_modules ./node_modules',
      ),
      run: runInWorkspace(workspace),
    })
    try {
      expect(readFileSync(join(image.appDir, 'dist/server.js'), 'utf8')).toBe('console.log(1)\n')
      // COPY keeps symlinks as they are: pnpm's relative links still point inside the image.
      expect(readlinkSync(join(image.appDir, 'node_modules/linked'))).toBe('../dist')
      expect(image.env).toEqual({
        APP_ENV: 'production',
        HOST: '0.0.0.0',
        NODE_COMPILE_CACHE: join(image.appDir, '.node-compile-cache'),
      })
      expect(image.args).toEqual(['--max-semi-space-size=16', 'dist/server.js'])
      const self = { uid: process.getuid?.(), gid: process.getgid?.() }
      const user = process.getuid?.() === 0 ? { uid: 1000, gid: 1000 } : self
      expect(image.user).toEqual(user)
      // A step's --user follows the user the rehearsal runs the image as.
      expect(readFileSync(join(image.appDir, 'dist/user.txt'), 'utf8')).toBe(
        `made with --user ${user.uid}:${user.gid}\n`,
      )
      expect(image.node.startsWith(join(image.appDir, '..'))).toBe(true)
    } finally {
      image.remove()
    }
    expect(() => readFileSync(join(image.appDir, 'dist/server.js'))).toThrow(/ENOENT/)
  })

  it('fails, naming it, on a COPY of what the build stage did not make', () => {
    expect(() =>
      rehearseImage({
        dockerfile: dockerfile('COPY --from=build /deploy/drizzle ./drizzle'),
        run: runInWorkspace(workspace),
      }),
    ).toThrow('COPY --from=build /deploy/drizzle ./drizzle: the build stage did not make /deploy/drizzle')
  })

  it('fails with the output of a step that fails', () => {
    const file = dockerfile('')
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'RUN echo "made',
        'RUN echo no such step >&2 && exit 3\nRUN echo "made',
      ),
    )
    expect(() => rehearseImage({ dockerfile: file, run: runInWorkspace(workspace) })).toThrow(/no such step/)
  })
})

describe('readDockerStages', () => {
  it('joins continuation lines, drops comments and splits the stages', () => {
    expect(readDockerStages('FROM a AS build\n# note\nRUN one \\\n  two\nFROM b\ncmd ["node"]\n')).toEqual([
      [
        { keyword: 'FROM', args: 'a AS build' },
        { keyword: 'RUN', args: 'one two' },
      ],
      [
        { keyword: 'FROM', args: 'b' },
        { keyword: 'CMD', args: '["node"]' },
      ],
    ])
  })
})

/** An image's /app by hand: `dist/migrate.js` marks the directory, `dist/server.js` is `server`. */
function imageWith(server: string): ImageRehearsal {
  const appDir = mkdtempSync(join(workspace, 'app-'))
  mkdirSync(join(appDir, 'dist'))
  writeFileSync(join(appDir, 'dist', 'migrate.js'), "require('node:fs').writeFileSync('migrated', '')\n")
  writeFileSync(join(appDir, 'dist', 'server.js'), server)
  return {
    appDir,
    deployDir: appDir,
    env: { APP_ENV: 'production' },
    args: ['dist/server.js'],
    user: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    node: process.execPath,
    remove: () => rmSync(appDir, { recursive: true, force: true }),
  }
}

describe('startImage', () => {
  it('migrates, then starts the CMD with the image ENV and production settings only, ready at /readyz', async () => {
    const image = imageWith(`const { existsSync } = require('node:fs')
const env = process.env
require('node:http')
  .createServer((request, response) => {
    if (request.url !== '/readyz') return response.writeHead(404).end()
    const seen = { migrated: existsSync('migrated'), APP_ENV: env.APP_ENV, PATH: env.PATH, HOST: env.HOST,
      DATABASE_URL: env.DATABASE_URL, JWT: env.JWT_SECRET.length, HOME: env.HOME ?? null, origin: env.AUTH_ORIGINS }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen))
  })
  .listen(Number(env.PORT), env.HOST, () => process.stderr.write('listening\\n'))
process.once('SIGTERM', () => process.exit(0))
`)
    const service = await startImage(image, { DATABASE_URL: 'postgres://db/app' })
    try {
      expect(await (await fetch(`${service.baseUrl}/readyz`)).json()).toEqual({
        migrated: true,
        APP_ENV: 'production',
        PATH: '/usr/bin:/bin',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgres://db/app',
        JWT: 64,
        HOME: null,
        origin: service.baseUrl,
      })
      expect(service.stderr()).toContain('listening')
    } finally {
      expect(await service.stop()).toBe(0)
      image.remove()
    }
  })

  it('fails with what the service said when it exits before it is ready', async () => {
    const image = imageWith(
      "process.stderr.write('no DATABASE_URL the driver understands\\n')\nprocess.exit(1)\n",
    )
    try {
      await expect(startImage(image, { DATABASE_URL: 'nope' })).rejects.toThrow(
        /the image's CMD did not get ready \(last \/readyz: no answer\):\nno DATABASE_URL the driver understands/,
      )
    } finally {
      image.remove()
    }
  })
})
