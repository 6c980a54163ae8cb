#!/usr/bin/env node
'use strict'
// The one file that runs before anything else, in whatever Node the person has: it must parse on old
// versions so that they get a sentence instead of a syntax error. The code itself needs Node 20.
var major = Number(process.versions.node.split('.')[0])
if (major < 20) {
  console.error(
    'create-shipshape: Node ' +
      process.versions.node +
      ' is too old; Node 20 or newer is needed to start ' +
      '(the workspace then runs on the Node version it pins, installed for you).',
  )
  process.exit(8)
}
// A dynamic import is a syntax error before Node 12, so it is compiled only once the version is known.
new Function('specifier', 'return import(specifier)')(
  require('node:path').join(__dirname, '..', 'dist', 'index.js'),
)
  .then((main) => main.run(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code
  })
