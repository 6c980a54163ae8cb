import { writeFile } from 'node:fs/promises'
import { loadEnv } from '@shipshape/config'
import { createTestDatabase, type OpenApiDocument, renderOpenApiTypes } from '@shipshape/testing'
import { buildApp } from '../src/app.ts'
import { envSchema } from '../src/config.ts'
import { migrationsFolder } from '../src/db/client.ts'
import * as schema from '../src/db/schema.ts'

/** Where `pnpm openapi` writes: the document to publish (not committed) and the typed client's types. */
export const documentFile = new URL('../openapi.json', import.meta.url)
export const typesFile = new URL('./openapi-types.ts', import.meta.url)

/**
 * The document as production serves it: the service built with its default settings (rate limit on) on a
 * throwaway database, so exporting needs no running service and no secrets.
 */
export async function exportOpenApi(): Promise<OpenApiDocument> {
  const secret = `whsec_${Buffer.from('export only, never used to verify').toString('base64')}`
  const config = loadEnv(
    envSchema,
    { APP_ENV: 'test', WEBHOOK_SECRET: secret },
    { onWarning: () => undefined },
  )
  const database = await createTestDatabase({ schema, migrationsFolder })
  const app = await buildApp(config, database, { logger: { level: 'silent' } })
  try {
    await app.ready()
    return app.swagger() as OpenApiDocument
  } finally {
    await app.close()
    await database.destroy()
  }
}

// `pnpm openapi`: writes openapi.json and regenerates test/openapi-types.ts from it.
if (import.meta.main) {
  const document = await exportOpenApi()
  await writeFile(documentFile, `${JSON.stringify(document, null, 2)}\n`)
  await writeFile(typesFile, await renderOpenApiTypes(document))
}
