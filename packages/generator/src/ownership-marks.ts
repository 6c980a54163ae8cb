import { basename } from 'node:path'
import { GeneratorError } from './errors.ts'
import type { OwnershipClass } from './template.ts'

/** What a managed file's first line says (in the file's comment syntax). */
export const managedHeader =
  'Managed by shipshape: regen replaces this file, and edits here conflict with template changes (README.md).'

type CommentStyle = { test: RegExp; wrap: (text: string) => string }

// Lines that must stay first: a script's shebang, a Dockerfile's parser directives (BuildKit stops looking for
// directives at the first comment, so the header goes after them).
const keptFirst = /^(?:#!.*\n|#\s*(?:syntax|escape|check)\s*=.*\n)*/

const commentStyles: CommentStyle[] = [
  { test: /\.[cm]?[jt]s$/, wrap: (text) => `// ${text}` },
  {
    test: /(?:^|\/)Dockerfile$|\.dockerignore$|(?:^|\/)\.gitignore$|\.ya?ml$|\.env[^/]*$/,
    wrap: (t) => `# ${t}`,
  },
  { test: /\.md$/, wrap: (text) => `<!-- ${text} -->` },
  { test: /\.sql$/, wrap: (text) => `-- ${text}` },
]

/** JSON has no comments: a managed JSON file says so through the README's files table instead. */
export function canCarryHeader(path: string): boolean {
  return !path.endsWith('.json')
}

/** The managed file with its header line added (after what must stay first); JSON files are returned as they are. */
export function addManagedHeader(path: string, content: string): string {
  if (!canCarryHeader(path)) return content
  const style = commentStyles.find((s) => s.test.test(path) || s.test.test(basename(path)))
  if (!style) {
    throw new GeneratorError(
      'SHIPSHAPE_TEMPLATE_INVALID',
      `The managed file ${path} has no known comment syntax for its "${managedHeader.slice(0, 20)}..." line; give it another class or teach ownership-marks.ts its comments.`,
    )
  }
  const first = keptFirst.exec(content)?.[0] ?? ''
  return `${first}${style.wrap(managedHeader)}\n${content.slice(first.length)}`
}

const blockStart = '<!-- shipshape:files start: regen rewrites this section from .shipshape/manifest.json -->'
const blockEnd = '<!-- shipshape:files end -->'
const blockPattern = /<!-- shipshape:files start\b[^\n]*-->\n[\s\S]*?<!-- shipshape:files end -->/

export type OwnedFile = { path: string; class: OwnershipClass }

const owners: Record<OwnershipClass, string> = {
  seeded: 'yours (seeded)',
  merged: 'both (merged)',
  structured: 'both (structured)',
  'append-only': 'both (append-only)',
  managed: 'shipshape (managed)',
}

const jsonManaged = 'shipshape (managed; JSON, so no header line)'

/** The README section that says who owns each file; the generator writes it from the ownership classes. */
export function renderFilesTable(files: OwnedFile[]): string {
  const rows = [...files]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((file) => {
      const owner = file.class === 'managed' && !canCarryHeader(file.path) ? jsonManaged : owners[file.class]
      return `| \`${file.path}\` | ${owner} |`
    })
  return [
    blockStart,
    '',
    '## Files and who owns them',
    '',
    '`shipshape regen` brings template improvements into this service without losing your edits:',
    '`.shipshape/manifest.json` records each file and its ownership class, `.shipshape/base/` each file as',
    'generated (the merge base). Regen treats each class its own way:',
    '',
    '- **yours (seeded)**: generated once, then never touched (only this section of the README is rewritten).',
    "- **both (merged)**: the template's changes are merged into yours line by line; where both changed the",
    '  same lines, regen writes `<<<<<<< yours` / `>>>>>>> template` markers into the file for you to resolve.',
    '- **both (structured)**: merged key by key; a key both changed keeps your value and is reported.',
    '- **both (append-only)**: migrations; regen adds new ones and never changes an existing one.',
    "- **shipshape (managed)**: the template's; its first line says so (JSON files cannot). Regen replaces it;",
    '  an edit of yours is reported, and conflicts (left as it is, no markers) once the template changes the',
    "  file too, until `shipshape regen <service> --force` takes the template's.",
    '',
    'A file that is not in the table is yours alone: regen never reads it.',
    '',
    '| file | owner |',
    '| --- | --- |',
    ...rows,
    '',
    blockEnd,
  ].join('\n')
}

/** Whether the file has a files section, which lists every component's files (so any update plans it). */
export function hasFilesTable(content: string): boolean {
  return blockPattern.test(content)
}

/** The content with its files section (between the markers) replaced; unchanged where there is none. */
export function fillFilesTable(content: string, files: OwnedFile[]): string {
  return blockPattern.test(content) ? content.replace(blockPattern, () => renderFilesTable(files)) : content
}

/**
 * A seeded file is the service's, except its files section: regen rewrites that from the template's render,
 * adds it to a file generated before the template had it, and leaves it out where the service deleted it.
 */
export function syncFilesTable(ours: string, base: string | undefined, theirs: string): string {
  const section = blockPattern.exec(theirs)?.[0]
  if (section === undefined) return ours
  if (blockPattern.test(ours)) return ours.replace(blockPattern, () => section)
  if (base !== undefined && blockPattern.test(base)) return ours
  return `${ours.replace(/\n*$/, '\n')}\n${section}\n`
}
