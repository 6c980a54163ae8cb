import { describe, expect, it } from 'vitest'
import type { ServiceInput } from './answers.ts'
import { getServiceGeneratorConfig } from './plop-generator.ts'

describe('the generator as plop data (turbo gen service)', () => {
  it('asks the CLI questions and refuses bad answers with the CLI messages', () => {
    const { prompts } = getServiceGeneratorConfig(async () => '')
    const byName = Object.fromEntries(prompts.map((prompt) => [prompt.name, prompt.validate]))
    expect(byName.name?.('../x')).toMatch(/is a path/)
    expect(byName.port?.('80')).toMatch(/1024 to 65535/)
    expect(byName.resource?.('invoice')).toMatch(/plural noun/)
    expect(byName.name?.('billing')).toBe(true)
  })

  it('hands the answers to the one action that creates the service', async () => {
    const received: ServiceInput[] = []
    const { actions } = getServiceGeneratorConfig(async (input) => {
      received.push(input)
      return 'created'
    })
    const [action] = actions
    expect(await action?.({ name: 'billing', port: '4100', resource: 'invoices' })).toBe('created')
    expect(received).toEqual([{ name: 'billing', port: '4100', resource: 'invoices' }])
  })
})
