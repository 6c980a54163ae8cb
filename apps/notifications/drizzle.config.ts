// Managed by shipshape: regen replaces this file, and edits here conflict with template changes (README.md).
import { defineConfig } from 'drizzle-kit'

// `pnpm db:generate` writes a new SQL migration to drizzle/ whenever src/db/schema.ts changes. Commit it:
// migrations are append-only, and the service applies them with `pnpm db:migrate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
})
