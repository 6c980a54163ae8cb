import { defineConfig } from 'drizzle-kit'

// Generates the fixture migration the tests apply; services generate their own from their schema.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
})
