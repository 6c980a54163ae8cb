// An import() of a name computed at run time (a plugin loader's), which no bundler can follow, and one of a
// literal name, which becomes a require.
const builtin = ['node', 'os'].join(':')
const { platform } = await import(builtin)
const { default: assert } = await import('node:assert')
assert.equal(1 + 1, 2)
process.stdout.write(`${JSON.stringify({ platform: platform(), sum: 1 + 1 })}\n`)
