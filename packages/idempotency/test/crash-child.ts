import { startItemsApp } from './items-app.ts'

// Run by crash.test.ts as its own process: a handler that writes its effect, reports it, and never answers.
const url = process.argv[2]
if (url === undefined) throw new Error('usage: node crash-child.ts <database url>')
const test = await startItemsApp({
  url,
  hold: new Promise(() => undefined),
  onEffect: () => process.stdout.write('effect\n'),
})
process.stdout.write(`listening ${test.baseUrl}\n`)
