import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { pinnedVersions } from '@shipshape/generator'
import { Ajv } from 'ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type RenderedTemplate, renderTemplate } from '../test/render-template.ts'

// Renovate's own JSON schema, as published inside the `renovate` npm package (see schemas/README.md).
const schema = JSON.parse(
  gunzipSync(
    readFileSync(new URL('../test/schemas/renovate-schema-44.121.2.json.gz', import.meta.url)),
  ).toString(),
)
const repoRoot = new URL('../../../', import.meta.url)

type Rule = Record<string, unknown> & { matchPackageNames?: string[]; matchDepNames?: string[] }
type RenovateConfig = Record<string, unknown> & {
  packageRules: Rule[]
  customManagers: { matchStrings: string[]; depNameTemplate: string; managerFilePatterns: string[] }[]
}

let rendered: RenderedTemplate
let config: RenovateConfig
let workspace: { minimumReleaseAge: number; minimumReleaseAgeExclude: string[] }

beforeAll(async () => {
  rendered = await renderTemplate()
  const { dir } = rendered
  config = JSON.parse(readFileSync(join(dir, 'renovate.json'), 'utf8'))
  workspace = parse(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8'))
})

afterAll(() => rendered?.remove())

// The schema allows unknown keys (Renovate itself warns about them at run time); a misspelt option would
// silently do nothing, so the names are checked against the schema's own lists as well. A package rule or a
// custom manager takes its own match options plus the general ones.
const options = ['$schema', ...Object.keys(schema.properties)]
const ruleOptions = (definition: string) => [
  ...options,
  ...Object.keys(schema.definitions[definition].items.allOf[0].properties as Record<string, unknown>),
]

const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true })
ajv.addSchema(schema)

/** Why a value is wrong for a general option, by the schema's own definition of that option. */
function checkOption(key: string, value: unknown, where: string): string[] {
  if (!(key in schema.properties)) return []
  if (ajv.validate({ $ref: `${schema.$id}#/properties/${key}` }, value)) return []
  return (ajv.errors ?? []).map((error) => `${where}/${key}${error.instancePath} ${error.message}`)
}

/** Every way a Renovate config breaks the schema, or names an option the schema does not know. */
function problems(candidate: RenovateConfig): string[] {
  const found = ajv.validate(schema.$id, candidate)
    ? []
    : (ajv.errors ?? []).map((error) => `${error.instancePath} ${error.message}`)
  const unknown = (keys: string[], known: string[], where: string) =>
    keys.filter((key) => !known.includes(key)).map((key) => `${where}: unknown option ${key}`)
  found.push(...unknown(Object.keys(candidate), options, 'top level'))
  // The schema types a package rule's match options only; its other options are the general ones.
  for (const [index, rule] of (candidate.packageRules ?? []).entries()) {
    found.push(...unknown(Object.keys(rule), ruleOptions('packageRules'), 'packageRules'))
    for (const [key, value] of Object.entries(rule))
      found.push(...checkOption(key, value, `/packageRules/${index}`))
  }
  for (const manager of candidate.customManagers ?? [])
    found.push(...unknown(Object.keys(manager), ruleOptions('customManagers'), 'customManagers'))
  return found
}

const ruleFor = (test: (rule: Rule) => boolean) => config.packageRules.filter(test)

describe('the workspace Renovate config', () => {
  it(`is valid against Renovate ${schema['x-renovate-version']}'s schema and names only known options`, () => {
    expect(problems(config)).toEqual([])
  })

  it('is checked by a validator that rejects a wrong type and a misspelt option', () => {
    const broken = structuredClone(config)
    broken.packageRules.push({ matchPackageNames: ['x'], groupName: 5, groupname: 'x' })
    expect(problems(broken).join('\n')).toMatch(/packageRules\/\d+\/groupName must be string/)
    expect(problems(broken)).toContain('packageRules: unknown option groupname')
  })

  it('pins images and actions by digest and keeps the digests updated', () => {
    expect(
      ruleFor((rule) => rule.pinDigests === true && String(rule.matchDatasources) === 'docker'),
    ).toHaveLength(1)
    expect(
      ruleFor((rule) => rule.pinDigests === true && String(rule.matchManagers) === 'github-actions'),
    ).toHaveLength(1)
    // Each service's .shipshape/ holds its generated base, which only `shipshape regen` may write.
    expect(config.ignorePaths).toContain('**/.shipshape/**')
  })

  it('puts every OpenTelemetry package in one pull request', () => {
    const [rule] = ruleFor((rule) => rule.matchPackageNames?.includes('@opentelemetry/**') === true)
    expect(rule?.groupName).toBe('OpenTelemetry')
  })

  it('moves Node in .node-version, engines, Dockerfiles and CI together, LTS lines only', () => {
    const [group] = ruleFor((rule) => rule.matchDepNames?.includes('node') === true && 'groupName' in rule)
    expect(group?.matchManagers).toEqual(['nodenv', 'npm', 'dockerfile', 'github-actions'])
    const allowed = new RegExp(String(group?.allowedVersions).slice(1, -1))
    expect(['24.22.0', '26.0.0-bookworm-slim', 'v26.1.0'].every((version) => allowed.test(version))).toBe(
      true,
    )
    expect(['25.0.0', '27.1.0-bookworm-slim'].some((version) => allowed.test(version))).toBe(false)
  })

  it("waits as long as pnpm's minimumReleaseAge, and exempts the same packages", () => {
    expect(config.minimumReleaseAge).toBe(`${workspace.minimumReleaseAge / 1440} day`)
    const exempt = ruleFor((rule) => 'minimumReleaseAge' in rule && rule.minimumReleaseAge === null)
    const renovateExempt = exempt.flatMap((rule) => rule.matchPackageNames ?? [])
    for (const pattern of workspace.minimumReleaseAgeExclude) {
      expect(renovateExempt).toContain(pattern.replace(/\*$/, '**'))
    }
  })

  it("finds every pnpm version the service template's Dockerfile installs", () => {
    const dockerfile = readFileSync(new URL('templates/service/Dockerfile', repoRoot), 'utf8').replaceAll(
      '{{pnpmVersion}}',
      '12.21.0',
    )
    const [manager] = config.customManagers.filter((manager) => manager.depNameTemplate === 'pnpm')
    const fileMatch = new RegExp(String(manager?.managerFilePatterns[0]).slice(1, -1))
    expect(fileMatch.test('apps/api/Dockerfile')).toBe(true)
    const found = (manager?.matchStrings ?? []).flatMap((pattern) =>
      [...dockerfile.matchAll(new RegExp(pattern, 'g'))].map((match) => match.groups?.currentValue),
    )
    const named = [...dockerfile.matchAll(/\bpnpm@(\d+\.\d+\.\d+)/g)].map((match) => match[1])
    expect(found).toEqual(named)
  })
})

// This repository's own renovate.json: the same schema, and its regex managers find every pin they are for.
describe("the shipshape repository's Renovate config", () => {
  const own: RenovateConfig = JSON.parse(readFileSync(new URL('renovate.json', repoRoot), 'utf8'))
  const managersFor = (path: string) =>
    own.customManagers.filter((manager) =>
      manager.managerFilePatterns.some((pattern) => new RegExp(pattern.slice(1, -1)).test(path)),
    )
  type Found = { name: string; depName?: string; currentValue?: string; currentDigest?: string }
  const found = (path: string): Found[] => {
    const text = readFileSync(new URL(path, repoRoot), 'utf8')
    return managersFor(path).flatMap((manager) =>
      manager.matchStrings.flatMap((pattern) =>
        [...text.matchAll(new RegExp(pattern, 'g'))].map((match) => ({
          name: match.groups?.depName ?? manager.depNameTemplate,
          ...match.groups,
        })),
      ),
    )
  }

  it(`is valid against Renovate ${schema['x-renovate-version']}'s schema and names only known options`, () => {
    expect(problems(own)).toEqual([])
  })

  it('finds every image of templates/service.json with its tag and digest', () => {
    const images = JSON.parse(readFileSync(new URL('templates/service.json', repoRoot), 'utf8'))
      .images as Record<string, { ref: string }>
    const refs = found('templates/service.json').map(
      (dep) => `${dep.depName}:${dep.currentValue}@${dep.currentDigest}`,
    )
    expect(refs).toEqual(Object.values(images).map((image) => image.ref))
  })

  it("finds every version of the generator's table, and its pnpm", () => {
    const deps = found('packages/generator/src/versions.ts')
    expect(deps.map((dep) => [dep.name, dep.currentValue])).toEqual([
      ...Object.entries(pinnedVersions),
      ['pnpm', JSON.parse(readFileSync(new URL('package.json', repoRoot), 'utf8')).packageManager.slice(5)],
    ])
  })
})
