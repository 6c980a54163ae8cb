// A service whose configuration fails where the compile cache's start runs it (a variable nothing gives a
// default): it builds its app first, as a service's code compiles before it reads the environment, and says
// what it was started with.
import Fastify from 'fastify'

const app = Fastify()
app.get('/', async () => ({ ok: true }))
await app.ready()
console.error(`APP_ENV=${process.env.APP_ENV} DATABASE_URL=${process.env.DATABASE_URL}`)
if (process.env.SERVICE_REGION === undefined) {
  console.error('Invalid environment: SERVICE_REGION is required')
  process.exit(1)
}
await app.listen({ host: '127.0.0.1', port: 0 })
