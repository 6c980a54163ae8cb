// A service's start with the embedded database behind a dynamic import, as `@shipshape/db` has it: PGlite
// (and its extension) must load when that code first runs, not with the bundle. `globalThis.loaded` is kept
// by test/record-loads.mjs (a preload): every module Node loaded, by URL.
const pgliteFiles = () => globalThis.loaded.filter((url) => url.includes('/@electric-sql/pglite/'))

const atStart = pgliteFiles().length
let answer = null
if (process.argv[2] === 'embedded') {
  const { selectOne } = await import('./embedded.mjs')
  answer = await selectOne()
}
process.stdout.write(`${JSON.stringify({ atStart, afterwards: pgliteFiles().length > 0, answer })}\n`)
