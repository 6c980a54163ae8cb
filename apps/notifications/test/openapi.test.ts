import { readFile } from 'node:fs/promises'
import { lintOpenApi, type OpenApiDocument, renderOpenApiTypes } from '@shipshape/testing'
import { describe, expect, it } from 'vitest'
import { exportOpenApi, typesFile } from './export-openapi.ts'
import { setupService } from './setup.ts'

const { app } = await setupService()
// Exported on first use: exporting and linting are CPU-heavy, and while they block the event loop the app's
// load shedding answers 503, so the served document is checked before.
let exported: Promise<OpenApiDocument> | undefined
const getDocument = () => {
  exported ??= exportOpenApi()
  return exported
}

describe('the OpenAPI document', () => {
  it('is served with no-cache and an ETag, and revalidates with 304', async () => {
    const first = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['cache-control']).toBe('no-cache')
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/)
    const again = await app.inject({
      method: 'GET',
      url: '/openapi.json',
      headers: { 'if-none-match': String(first.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
  })

  it("passes Redocly's recommended rules with no error and no warning", async () => {
    expect(await lintOpenApi(await getDocument())).toEqual([])
  })

  it('names the paths clients call, each operation with its problems on the shared Problem schema', async () => {
    const document = await getDocument()
    expect(Object.keys(document.paths ?? {})).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/auth/login', '/preferences', '/preferences/{id}']),
    )
    const create = document.paths?.['/preferences']?.post as Record<string, unknown>
    expect(create).toMatchObject({
      security: [{ session: [] }],
      parameters: [expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })],
      responses: {
        401: {
          content: {
            'application/problem+json': {
              schema: { allOf: [{ $ref: '#/components/schemas/Problem' }, expect.anything()] },
            },
          },
        },
        422: expect.objectContaining({ description: expect.stringContaining('idempotency_key_reused') }),
        429: expect.objectContaining({ headers: { 'Retry-After': expect.anything() } }),
      },
    })
  })

  it('test/openapi-types.ts is current (run `pnpm openapi` after changing a route)', async () => {
    expect(await readFile(typesFile, 'utf8')).toBe(await renderOpenApiTypes(await getDocument()))
  })
})
