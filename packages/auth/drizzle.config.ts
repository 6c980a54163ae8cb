import { defineConfig } from 'drizzle-kit'

// Generates the fixture migration the tests apply: `pnpm exec drizzle-kit generate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './test/fixtures/schema.ts',
  out: './test/fixtures/migrations',
})
