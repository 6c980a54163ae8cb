import { defineTestConfig } from '@shipshape/vitest-config'

// stack.test.ts needs PostgreSQL (PG_ADMIN_URL) and the built reference service (turbo builds it first).
export default defineTestConfig({ test: { include: ['*.test.ts'] } })
