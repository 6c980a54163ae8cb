import { describe, expect, it } from 'vitest'
import { getDeliveryDocs } from './_docs.ts'

describe('the delivery route in the OpenAPI document', () => {
  const sources = { acme: { scheme: 'standard' as const, secrets: ['whsec_x'] } }

  it("lists the plugin's own problems, and the handler's when the service names them", () => {
    expect(getDeliveryDocs(sources).problems).not.toHaveProperty('409')
    const problems = getDeliveryDocs(sources, { 409: ['booking_not_ready'] }).problems
    expect(problems).toMatchObject({ 401: ['invalid_signature'], 409: ['booking_not_ready'] })
  })
})
