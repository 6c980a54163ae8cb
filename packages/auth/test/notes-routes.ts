import type { AppDatabase } from '@shipshape/db'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { ownedBy, requireUser } from '../src/index.ts'
import { notes } from './fixtures/schema.ts'

const noteBody = {
  type: 'object',
  additionalProperties: false,
  required: ['body'],
  properties: { body: { type: 'string', minLength: 1, maxLength: 200 } },
} as const
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const

type NoteRequest = { Params: { id: string }; Body: { body: string } }

/** A tiny owner-scoped resource, written the way a service writes its own: every query goes through ownedBy. */
export function createNotesRoutes(db: AppDatabase) {
  return async function notesRoutes(app: FastifyInstance) {
    app.addHook('preHandler', app.authenticate)
    const findOwn = (id: string, userId: string) => and(eq(notes.id, id), ownedBy(notes.ownerId, userId))

    app.post<NoteRequest>('/', { schema: { body: noteBody } }, async (request, reply) => {
      const [row] = await db
        .insert(notes)
        .values({ ownerId: requireUser(request).id, body: request.body.body })
        .returning()
      return reply.code(201).send(row)
    })
    app.get('/', async (request) => ({
      items: await db
        .select()
        .from(notes)
        .where(ownedBy(notes.ownerId, requireUser(request).id)),
    }))
    app.get<NoteRequest>('/:id', { schema: { params: idParams } }, async (request, reply) => {
      const [row] = await db
        .select()
        .from(notes)
        .where(findOwn(request.params.id, requireUser(request).id))
      return row ?? reply.code(404).send({ code: 'not_found' })
    })
    app.patch<NoteRequest>(
      '/:id',
      { schema: { params: idParams, body: noteBody } },
      async (request, reply) => {
        const [row] = await db
          .update(notes)
          .set({ body: request.body.body })
          .where(findOwn(request.params.id, requireUser(request).id))
          .returning()
        return row ?? reply.code(404).send({ code: 'not_found' })
      },
    )
    app.delete<NoteRequest>('/:id', { schema: { params: idParams } }, async (request, reply) => {
      const [row] = await db
        .delete(notes)
        .where(findOwn(request.params.id, requireUser(request).id))
        .returning()
      return reply.code(row ? 204 : 404).send(row ? undefined : { code: 'not_found' })
    })
  }
}
