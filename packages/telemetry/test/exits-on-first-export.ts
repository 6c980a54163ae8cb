// An export worker that dies on its first request and answers every later one: a worker that crashed.
import { parentPort } from 'node:worker_threads'

parentPort?.on('message', (request: { id: number }) => {
  if (request.id === 1) process.exit(3)
  parentPort?.postMessage({ id: request.id })
})
