import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { copyFixture } from '../test/fixture.ts'
import { listRules, runDoctor, toSarif } from './index.ts'

// The SARIF 2.1.0 schema, vendored from @microsoft/sarif-multitool-linux@5.7.0 (see sarif/README.md).
const schema = JSON.parse(readFileSync(new URL('../test/sarif/sarif-2.1.0.json', import.meta.url), 'utf8'))
const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema)

describe('the SARIF report', () => {
  it('is valid SARIF 2.1.0, with every rule described and each finding on its line', async () => {
    const report = await runDoctor(copyFixture('hurried-service'))
    const sarif = toSarif(report, '0.1.0') as {
      runs: { results: { ruleId: string; locations: unknown[] }[]; tool: { driver: { rules: unknown[] } } }[]
    }
    const valid = validate(sarif)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
    const [run] = sarif.runs
    expect(run?.tool.driver.rules).toHaveLength(listRules().length)
    expect(run?.results).toHaveLength(report.findings.length)
    expect(run?.results[0]?.locations[0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: '.env.example', uriBaseId: 'SRCROOT' },
        region: { startLine: 3 },
      },
    })
  })

  it('is still valid with no findings', async () => {
    const report = await runDoctor(copyFixture('rules/env-unused/passes'), { rules: [] })
    expect(validate(toSarif(report, '0.1.0'))).toBe(true)
  })

  it('fails validation when a result lacks its message (the schema is really applied)', () => {
    const broken = {
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'x' }] }],
    }
    expect(validate(broken)).toBe(false)
  })
})

it('gives paths from the workspace root, where code scanning looks for them', async () => {
  const workspace = copyFixture('hurried-service')
  const report = await runDoctor(join(workspace, 'src'), {
    workspaceRoot: workspace,
    rules: ['sql-string-built'],
  })
  const sarif = toSarif(report, '0.1.0') as {
    runs: {
      originalUriBaseIds: { SRCROOT: { uri: string } }
      results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[]
    }[]
  }
  const [run] = sarif.runs
  expect(run?.originalUriBaseIds.SRCROOT.uri).toBe(pathToFileURL(`${workspace}/`).href)
  expect(run?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('src/server.js')
  expect(report.findings[0]?.file).toBe('server.js')
})
