import { describe, expect, it } from 'vitest'
import { removeAbsentEntries } from './entries.ts'
import type { TemplateDefinition } from './template.ts'

const template: TemplateDefinition = {
  name: 't',
  version: '1',
  description: '',
  components: [
    { name: 'base', description: '', files: ['**'] },
    {
      name: 'cache',
      description: '',
      files: [],
      entries: { 'compose.yml': ['services.redis'], 'a.txt': ['x.y'] },
    },
  ],
  ownership: [],
  renames: {},
  images: {},
  biome: {},
}
const compose = '# stack\nservices:\n  app:\n    image: app # ours\n  redis:\n    image: redis\n'

describe('removeAbsentEntries', () => {
  it('refuses entries in a format it cannot edit, and an entry the file lacks', () => {
    expect(() => removeAbsentEntries(template, 'a.txt', 'x', ['base'])).toThrow(/JSON and YAML/)
    expect(() => removeAbsentEntries(template, 'compose.yml', 'services: {}\n', ['base'])).toThrow(
      /services.redis is not in the rendered file/,
    )
  })

  it("removes an absent component's YAML entry, keeping comments; a present one changes nothing", () => {
    expect(removeAbsentEntries(template, 'compose.yml', compose, ['base'])).toBe(
      '# stack\nservices:\n  app:\n    image: app # ours\n',
    )
    expect(removeAbsentEntries(template, 'compose.yml', compose, ['base', 'cache'])).toBe(compose)
  })
})
