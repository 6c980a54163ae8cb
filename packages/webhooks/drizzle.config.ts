import { defineConfig } from 'drizzle-kit'

/** Generates the test fixture migration in `drizzle/` from the exported table; services generate their own. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
})
