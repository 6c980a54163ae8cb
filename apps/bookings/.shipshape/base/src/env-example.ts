// Managed by shipshape: regen replaces this file, and edits here conflict with template changes (README.md).
import { writeFile } from 'node:fs/promises'
import { renderEnvExample } from '@shipshape/config'
import { envSchema } from './config.ts'

// `pnpm env:example`: rewrites .env.example from the schema in ./config.ts.
await writeFile(new URL('../.env.example', import.meta.url), renderEnvExample(envSchema))
