// A tagged template whose raw text is not ASCII: the tag reads it as written, so it cannot be escaped.
process.stdout.write(`${String.raw`é\u00e9`}\n`)
