import { randomUUID } from 'node:crypto'
import { describeDependencyFaults } from '@shipshape/testing/faults'
import { migrationsFolder } from '../src/db/client.ts'
import * as schema from '../src/db/schema.ts'
import { origin, password } from './setup.ts'

// The contract's "Dependencies failing", measured on a real service process whose database sits behind a
// proxy that refuses connections or drops every byte, on the sample resource. Every figure is printed.
describeDependencyFaults({
  schema,
  migrationsFolder,
  service: {
    serviceDir: new URL('..', import.meta.url),
    nodeArgs: ['--conditions=@shipshape/source'],
  },
  authenticate: async (baseUrl) => {
    const signup = await fetch(`${baseUrl}/auth/signup`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${randomUUID()}@example.com`, password }),
    })
    if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`)
    const cookie = signup.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ')
    return { cookie, origin }
  },
  resource: { path: '/preferences', table: schema.preferences },
})
