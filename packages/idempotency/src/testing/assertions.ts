import { expectProblem } from '@shipshape/testing'
import { expect } from 'vitest'
import type { Answer } from './http.ts'

/**
 * The outcome of a burst of one key and one body: every answer is 201 or 409; exactly one 201 is the
 * original (no Idempotent-Replayed) and every other 201 is a replay byte-identical to it; every 409 is
 * problem+json `idempotency_in_progress` with a Retry-After in seconds. Returns the original.
 */
export function expectOneOutcome(answers: readonly Answer[]): Answer {
  expect(answers.map((answer) => answer.status).filter((status) => status !== 201 && status !== 409)).toEqual(
    [],
  )
  const created = answers.filter((answer) => answer.status === 201)
  const originals = created.filter((answer) => answer.headers.get('idempotent-replayed') === null)
  expect(originals).toHaveLength(1)
  const [original] = originals
  if (original === undefined) throw new Error('no original response')
  for (const answer of created) expect(answer.text).toBe(original.text)
  for (const answer of answers.filter((a) => a.status === 409)) {
    expectProblem(answer, 409, 'idempotency_in_progress')
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/)
  }
  return original
}

/** A replay of `original`: same status, same bytes, same content-type and location, marked replayed. */
export function expectReplayOf(replay: Answer, original: Answer): void {
  expect(replay.status).toBe(original.status)
  expect(replay.text).toBe(original.text)
  expect(replay.headers.get('content-type')).toBe(original.headers.get('content-type'))
  expect(replay.headers.get('location')).toBe(original.headers.get('location'))
  expect(replay.headers.get('idempotent-replayed')).toBe('true')
}
