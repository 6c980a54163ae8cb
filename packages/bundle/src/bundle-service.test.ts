import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { isBuiltin, SourceMap } from 'node:module'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'
import { BUNDLED_MODULE_KEY } from '@shipshape/telemetry'
import { createScratchDatabase, type ScratchDatabase } from '@shipshape/testing/postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBin } from '../test/run-bin.ts'
import { BundleError, bundleService, scriptFileOf, toAsciiSource } from './bundle-service.ts'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
// Inside the package, so the packages a bundle leaves out resolve from it as they would from dist/.
const outDir = mkdtempSync(join(packageDir, 'node_modules', '.bundle-test-'))
let database: ScratchDatabase

beforeAll(async () => {
  database = await createScratchDatabase()
})

afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true })
  await database?.drop()
})

/**
 * What the bundle's script imported from node_modules, but Node's builtins: each import became a module of
 * the bundle that requires it (a `require` written in a package, such as pg's optional one of pg-native, is
 * not listed).
 */
function listRequiredPackages(code: string): string[] {
  const specifiers = [...code.matchAll(/module\.exports = __require\("([^"]+)"\)/g)].map(
    (match) => match[1] ?? '',
  )
  return [...new Set(specifiers)].filter((specifier) => !isBuiltin(specifier)).sort()
}

/** The script a bundle's loader runs, as text. */
const readScript = (outfile: string) => readFileSync(scriptFileOf(outfile), 'utf8')

async function startBundle(file: string, env: Record<string, string>) {
  // The source condition: the test task runs before any package is built.
  const args = ['--conditions=@shipshape/source', '--import', '@shipshape/telemetry/register', file]
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`the bundle exited before listening:\n${output}`)
    }),
  ])) as [string]
  const { port } = JSON.parse(line) as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

describe('bundleService', () => {
  it('makes one script of the service and what it imports, leaving only the runtime packages out, and its loader', async () => {
    const outfile = join(outDir, 'service.js')
    const result = await bundleService({
      serviceDir: packageDir,
      entry: 'test/fixture-service.mjs',
      outfile,
    })

    expect(result.outfile).toBe(outfile)
    expect(result.script).toBe(join(outDir, 'service.bundle.cjs'))
    expect(result.external).toEqual(['@shipshape/telemetry'])
    expect(result.dynamicImports).toBe(0)
    // Fastify, pg and their dependencies went in.
    expect(result.modules).toBeGreaterThan(100)
    const code = readFileSync(result.script, 'utf8')
    expect(result.bytes).toBe(Buffer.byteLength(code))
    expect(listRequiredPackages(code)).toEqual(['@shipshape/telemetry'])
    // A script: no import, export or import.meta is left (each is a syntax error in one).
    expect(() => new Script(code, { filename: result.script })).not.toThrow()
    // The loader needs nothing but Node, and lets the script import nothing (an ExperimentalWarning).
    const loader = readFileSync(outfile, 'utf8')
    const imported = [...loader.matchAll(/^import .* from '([^']+)'$/gm)].map((match) => match[1])
    expect(imported.every((specifier) => specifier?.startsWith('node:'))).toBe(true)
    expect(loader).not.toContain('importModuleDynamically')
    // pg and pg-pool announce themselves to the telemetry preload, once each, under the key it listens on.
    const announced = [
      ...code.matchAll(/globalThis\[.*Symbol\.for\(("[^"]+")\)\]\?\.\(("[^"]+"), module\.exports\);/g),
    ]
    expect(announced.map((match) => JSON.parse(match[2] ?? '""'))).toEqual(['pg-pool', 'pg'])
    for (const match of announced) expect(JSON.parse(match[1] ?? '""')).toBe(BUNDLED_MODULE_KEY)
    expect(code).toMatch(/\/\/# sourceMappingURL=service\.bundle\.cjs\.map\s*$/)
    expect(existsSync(`${result.script}.map`)).toBe(true)
  })

  it('serves from the bundle under the telemetry preload, and the bundled pg is traced', async () => {
    const outfile = join(outDir, 'traced.js')
    await bundleService({ serviceDir: packageDir, entry: 'test/fixture-service.mjs', outfile })
    const service = await startBundle(outfile, {
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_SERVICE_NAME: 'bundle-test',
    })
    try {
      const response = await fetch(`${service.url}/sum`)
      expect(await response.json()).toEqual({ sum: 2 })
    } finally {
      await service.stop()
    }
    // The console exporter prints each span as it ends: the query's span and the request's.
    expect(service.output()).toContain("name: '@opentelemetry/instrumentation-pg'")
    expect(service.output()).toContain("name: 'GET /sum'")
  })

  it('serves from the bundle with tracing off: nobody listens to the announcement, pg answers as it is', async () => {
    const outfile = join(outDir, 'untraced.js')
    await bundleService({ serviceDir: packageDir, entry: 'test/fixture-service.mjs', outfile })
    const service = await startBundle(outfile, { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' })
    try {
      const response = await fetch(`${service.url}/sum`)
      expect(await response.json()).toEqual({ sum: 2 })
    } finally {
      await service.stop()
    }
    expect(service.output()).not.toContain('instrumentation-pg')
  })

  it("keeps the service's own import.meta: files beside a nested module are found from the bundle", async () => {
    const outfile = join(outDir, 'paths.js')
    await bundleService({ serviceDir: packageDir, entry: 'test/fixture-paths/main.mjs', outfile })
    const output = execFileSync(process.execPath, [outfile], { encoding: 'utf8' })

    expect(JSON.parse(output)).toEqual({ byUrl: '42', byDirname: '42', byFilename: true })
  })

  it("reaches Node's builtins through require, so no builtin's ES facade runs its lazy getters", async () => {
    const outfile = join(outDir, 'builtins.js')
    await bundleService({ serviceDir: packageDir, entry: 'test/fixture-builtins.mjs', outfile })
    const code = readScript(outfile)

    expect(code).not.toMatch(/^import /m)
    expect(code).toContain('__require("node:http")')
    const output = execFileSync(process.execPath, [outfile], { encoding: 'utf8' })
    expect(JSON.parse(output)).toEqual({
      hash: 'ca978112',
      uuid: 36,
      createServer: 'function',
      status: 'Not Found',
      eol: true,
      joined: 'a/b',
      // `import 'node:http'` builds a facade that reads every export, and `http.WebSocket` loads undici.
      undici: false,
      listed: true,
    })
  })

  it('loads PGlite when the code that imports it first runs, not with the bundle', async () => {
    const outfile = join(outDir, 'lazy.js')
    const result = await bundleService({
      serviceDir: packageDir,
      entry: 'test/fixture-lazy/main.mjs',
      outfile,
    })
    expect(result.external).toEqual(['@electric-sql/pglite'])
    // A require of it, where its importer runs: an ES import would load it before any of the bundle runs.
    expect(listRequiredPackages(readScript(outfile))).toEqual([
      '@electric-sql/pglite',
      '@electric-sql/pglite/contrib/btree_gist',
    ])
    const run = (...args: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', './test/record-loads.mjs', outfile, ...args], {
          cwd: packageDir,
          encoding: 'utf8',
        }),
      )

    // A start that never reaches the embedded database (a service on PostgreSQL) loads none of it.
    expect(run()).toEqual({ atStart: 0, afterwards: false, answer: null })
    // One that does gets it, its extension too, and it works.
    expect(run('embedded')).toEqual({ atStart: 0, afterwards: true, answer: { one: 1 } })
  })

  it('writes an ASCII bundle: the text of strings and names escaped, of kept comments replaced', async () => {
    const outfile = join(outDir, 'text.js')
    await bundleService({ serviceDir: packageDir, entry: 'test/fixture-text.mjs', outfile })
    const bytes = readFileSync(scriptFileOf(outfile))

    // One byte a character: V8 keeps the script's source as a one-byte string, not a two-byte one.
    expect(bytes.findIndex((byte) => byte > 0x7f)).toBe(-1)
    const output = execFileSync(process.execPath, [outfile], { encoding: 'utf8' })
    expect(JSON.parse(output)).toEqual({
      greeting: 'héllo wörld 👋',
      matches: true,
      tagged: 'café héllo wörld 👋',
      name: 'κλειδί',
      patterns: [true, true, true, true],
      scope: 'global',
    })
    const code = bytes.toString('latin1')
    expect(code).toContain('The scope ([RFC 4291 ?2.7]) ? read from the multicast bits.')
    // Each UTF-16 unit became one character, so the source map's columns still point where they did.
    const map = new SourceMap(JSON.parse(readFileSync(`${scriptFileOf(outfile)}.map`, 'utf8')))
    const lines = code.split('\n')
    const line = lines.findIndex((text) => text.includes('greeting: "h'))
    const entry = map.findEntry(line, (lines[line] ?? '').indexOf('greeting'))
    expect(entry).toMatchObject({ originalLine: 14, originalColumn: 2 })
  })

  it('escapes regular expressions (identity escapes too); other text it leaves, and says where', () => {
    expect(toAsciiSource('/* a → b */ const r = /é|\\é|[👋]/u\n')).toEqual({
      code: '/* a ? b */ const r = /\\u00E9|\\u00E9|[\\uD83D\\uDC4B]/u\n',
    })
    expect(toAsciiSource('const r = /\\\\é/\n').code).toBe('const r = /\\\\\\u00E9/\n')
    expect(toAsciiSource('const a = "ascii"\n')).toEqual({ code: 'const a = "ascii"\n' })
    // A tagged template's raw text is what the tag reads: an escape would change it.
    const tagged = '// → ok\nconst a = String.raw`é`\n'
    expect(toAsciiSource(tagged, 'x.js')).toEqual({
      code: tagged,
      kept: 'x.js:2 has non-ASCII text outside comments and regular expressions',
    })
    expect(toAsciiSource('const = /é/', 'x.js')).toMatchObject({
      code: 'const = /é/',
      kept: /x\.js could not be parsed/,
    })
  })

  it('keeps a bundle it cannot make ASCII as esbuild wrote it, working, and says so', async () => {
    const outfile = join(outDir, 'raw.js')
    const result = await bundleService({ serviceDir: packageDir, entry: 'test/fixture-raw.mjs', outfile })
    expect(result.nonAscii).toMatch(
      /raw\.bundle\.cjs:\d+ has non-ASCII text outside comments and regular expressions/,
    )
    expect(execFileSync(process.execPath, [outfile], { encoding: 'utf8' })).toBe('é\\u00e9\n')
  })

  it('refuses, writing nothing, when the service does not depend on a runtime package it reaches', async () => {
    const outfile = join(outDir, 'native.js')
    const bundling = bundleService({ serviceDir: packageDir, entry: 'test/fixture-native.mjs', outfile })

    await expect(bundling).rejects.toBeInstanceOf(BundleError)
    await expect(bundling).rejects.toThrow(
      /leaves @node-rs\/argon2 to node_modules.*Add it to the dependencies/,
    )
    expect(existsSync(outfile)).toBe(false)
  })

  it('leaves a package asked for with external out too, and holds the service to depending on it', async () => {
    const outfile = join(outDir, 'external.js')
    const result = await bundleService({
      serviceDir: packageDir,
      entry: 'test/fixture-service.mjs',
      outfile,
      external: ['fastify'],
    })
    expect(result.external).toEqual(['@shipshape/telemetry', 'fastify'])
    expect(listRequiredPackages(readScript(outfile))).toEqual(['@shipshape/telemetry', 'fastify'])

    await expect(
      bundleService({
        serviceDir: packageDir,
        entry: 'test/fixture-native.mjs',
        outfile: join(outDir, 'external-missing.js'),
        external: ['@node-rs/argon2'],
      }),
    ).rejects.toThrow(/leaves @node-rs\/argon2 to node_modules/)
  })

  it('keeps an import() of a computed name working: the loader lets the script import, and says so', async () => {
    const outfile = join(outDir, 'dynamic.js')
    const result = await bundleService({ serviceDir: packageDir, entry: 'test/fixture-dynamic.mjs', outfile })

    expect(result.dynamicImports).toBe(1)
    expect(readFileSync(outfile, 'utf8')).toContain('constants.USE_MAIN_CONTEXT_DEFAULT_LOADER')
    const output = execFileSync(process.execPath, ['--no-warnings', outfile], { encoding: 'utf8' })
    expect(JSON.parse(output)).toEqual({ platform: process.platform, sum: 2 })
  })

  it("names the service's own lines in a stack trace under --enable-source-maps, the script's without", async () => {
    const outfile = join(outDir, 'throws.js')
    await bundleService({ serviceDir: packageDir, entry: 'test/fixture-throws.mjs', outfile })
    const stderr = (args: string[]) => {
      try {
        execFileSync(process.execPath, [...args, outfile], { encoding: 'utf8', stdio: 'pipe' })
      } catch (error) {
        return String((error as { stderr: string }).stderr)
      }
      throw new Error('the fixture did not fail')
    }

    expect(stderr(['--enable-source-maps'])).toMatch(/at failToStart \(\S+\/test\/fixture-throws\.mjs:3:9\)/)
    expect(stderr([])).toMatch(/at failToStart \(\S+\/throws\.bundle\.cjs:\d+:\d+\)/)
  })

  it('refuses an entry point that exports, writing nothing: the script has no exports', async () => {
    const outfile = join(outDir, 'exports.js')
    const bundling = bundleService({ serviceDir: packageDir, entry: 'test/fixture-exports.mjs', outfile })

    await expect(bundling).rejects.toThrow(
      /^the bundle is not a script \(.*export.*\): a service's entry point exports nothing$/,
    )
    expect(existsSync(outfile)).toBe(false)
    expect(existsSync(scriptFileOf(outfile))).toBe(false)
  })

  it('refuses an entry point that was not built', async () => {
    await expect(bundleService({ serviceDir: packageDir, entry: 'dist/missing.js' })).rejects.toThrow(
      'dist/missing.js does not exist: build the service first',
    )
  })
})

describe('shipshape-bundle', () => {
  const run = (args: string[]) => runBin('cli.ts', args, packageDir)

  it('bundles and says what it left out', () => {
    const result = run(['--entry', 'test/fixture-service.mjs', '--outfile', join(outDir, 'cli.js')])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^bundled .*cli\.js: \d+ modules, [\d.]+ MiB; left to node_modules: @shipshape\/telemetry\n$/,
    )
  })

  it('bundles what it cannot make ASCII, exits 0, and notes why it takes more memory', () => {
    const result = run(['--entry', 'test/fixture-raw.mjs', '--outfile', join(outDir, 'cli-raw.js')])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /\nnote: the bundle is not ASCII only \(.*cli-raw\.bundle\.cjs:\d+ has non-ASCII text outside comments and regular expressions\), so it takes more memory\n$/,
    )
  })

  it('exits 1 with the reason, without a stack, when it cannot bundle', () => {
    const result = run(['--entry', 'dist/missing.js'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('shipshape-bundle: dist/missing.js does not exist: build the service first\n')
  })

  it('exits 1 on an unknown flag', () => {
    const result = run(['--entyr', 'dist/server.js'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^shipshape-bundle: Unknown option '--entyr'/)
  })
})
