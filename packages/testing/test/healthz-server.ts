import { createServer } from 'node:http'

// A stand-in service for service-process.test.ts: /healthz on PORT, and SIGTERM closes it with exit code 0.
const server = createServer((request, response) => {
  response.writeHead(request.url === '/healthz' ? 200 : 404).end()
})
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
