import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listWorkspacePackages, repoRoot } from './packed-package.ts'

type ChangesetsConfig = { fixed: string[][]; ignore: string[] }

const readJson = <T>(path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8')) as T
const config = readJson<ChangesetsConfig>('.changeset/config.json')
const workspacePackages = listWorkspacePackages().filter((pkg) => pkg.path !== repoRoot.replace(/\/$/, ''))
const [shipshapeGroup = []] = config.fixed
const versioned = workspacePackages.filter((pkg) => shipshapeGroup.includes(pkg.name))
const isTracked = (dir: string) =>
  execFileSync('git', ['ls-files', '--', join(dir, 'package.json')], { cwd: repoRoot, encoding: 'utf8' }) !==
  ''

/** The `## x.y.z` heading for a version in a changelog, as changesets writes it. */
const hasHeading = (changelog: string, version: string) =>
  new RegExp(`^## ${version.replaceAll('.', '\\.')}$`, 'm').test(changelog)

describe('the changesets configuration', () => {
  it('versions every published package, and the generator bundled into the CLI, as one fixed group', () => {
    const expected = workspacePackages
      .filter((pkg) => !pkg.private || pkg.name === '@shipshape/generator')
      .map((pkg) => pkg.name)
    expect(versioned.map((pkg) => pkg.name).sort()).toEqual(expected.sort())
  })

  it('leaves every other package alone: a bumped service would no longer match its fresh render', () => {
    const others = workspacePackages.filter(
      (pkg) => !shipshapeGroup.includes(pkg.name) && isTracked(relative(repoRoot, pkg.path)),
    )
    expect(config.ignore.sort()).toEqual(others.map((pkg) => pkg.name).sort())
  })

  it('reads every pending changeset: a formatter that rewrites the frontmatter breaks the release', () => {
    const bin = join(repoRoot, 'node_modules/@changesets/cli/bin.js')
    const status = () =>
      execFileSync(process.execPath, [bin, 'status'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' })
    expect(status).not.toThrow()
  })
})

describe('the changelogs', () => {
  it.each(versioned.map((pkg) => [pkg.name, pkg.path] as const))(
    '%s has an entry for its version',
    (_, dir) => {
      const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }
      const changelogPath = join(dir, 'CHANGELOG.md')
      expect(existsSync(changelogPath)).toBe(true)
      expect(hasHeading(readFileSync(changelogPath, 'utf8'), version)).toBe(true)
    },
  )

  it('the templates have an entry for the version in templates/service.json', () => {
    const { version } = readJson<{ version: string }>('templates/service.json')
    expect(hasHeading(readFileSync(join(repoRoot, 'templates/CHANGELOG.md'), 'utf8'), version)).toBe(true)
  })
})
