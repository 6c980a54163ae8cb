import { byDirname, byFilename, byUrl } from './nested/read-answer.mjs'

process.stdout.write(`${JSON.stringify({ byUrl, byDirname, byFilename })}\n`)
