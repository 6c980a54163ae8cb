import { calleeOf, child, importsOf, nameOf, unwrap, walk } from '../_ast.ts'
import type { Project } from '../_project.ts'
import type { Problem } from '../types.ts'
import { defineRule } from './_rule.ts'
import { listMigrationFiles, readTables } from './_schema.ts'

export const fkWithoutIndex = defineRule({
  id: 'fk-without-index',
  severity: 'warning',
  title: 'Foreign key without an index',
  why: 'PostgreSQL does not index foreign keys: every join, and every delete of a parent row, scans the whole child table.',
  fix: 'Add an index whose first column is the foreign key (drizzle: `index(...).on(table.ownerId)`; SQL: `CREATE INDEX ... (owner_id)`; Prisma: `@@index([ownerId])`).',
  check(project) {
    return readTables(project).flatMap((table) =>
      table.foreignKeys
        .filter((key) => !table.leadingIndexed.has(key.column))
        .map((key) => ({
          ...key.at,
          message: `${table.table}.${key.column} references another table and no index starts with it.`,
        })),
    )
  },
})

const isEmail = (column: string) => /^e-?mail(?:_?address)?$/i.test(column)

export const emailNotUnique = defineRule({
  id: 'email-not-unique',
  severity: 'warning',
  title: 'Email column without a unique index',
  why: 'Without a unique index two sign-ups racing with one address both succeed, and login then picks either account.',
  fix: 'Add a unique index on the normalised email: drizzle `uniqueIndex(...).on(lower(table.email))` (a `sql` template), SQL `CREATE UNIQUE INDEX ... (lower(email))`, Prisma `@unique` on a lower-cased field.',
  check(project) {
    return readTables(project).flatMap((table) =>
      [...table.columns]
        .filter(([column]) => isEmail(column) && !table.unique.has(column))
        .map(([column, at]) => ({
          ...at,
          message: `${table.table}.${column} holds emails and nothing makes them unique.`,
        })),
    )
  },
})

const databaseClients = [
  'pg',
  'postgres',
  'drizzle-orm',
  'mysql2',
  'knex',
  'kysely',
  'sequelize',
  'typeorm',
  '@prisma/client',
  '@shipshape/db',
]

/** A script step that writes the schema from the models instead of applying migrations. */
const pushesSchema = (part: string) =>
  /^(?:npx\s+|pnpm\s+(?:exec\s+)?)?(?:drizzle-kit push|prisma db push)\b/.test(part)

/**
 * Code that makes the schema from the models when the service starts: TypeORM's `synchronize: true`,
 * Sequelize's `sync()`. Only in a file that imports the library, so another `sync` is not taken for it.
 */
function schemaSyncsInCode(project: Project): Problem[] {
  const problems: Problem[] = []
  for (const file of project.sourceFiles()) {
    const sources = new Set([...importsOf(file.program).values()].map((binding) => binding.source))
    const typeorm = sources.has('typeorm') || sources.has('@nestjs/typeorm')
    const sequelize = sources.has('sequelize') || sources.has('sequelize-typescript')
    if (!typeorm && !sequelize) continue
    walk(file.program, (node) => {
      if (typeorm && node.type === 'Property' && nameOf(child(node, 'key')) === 'synchronize') {
        const value = unwrap(child(node, 'value'))
        if (value?.type === 'Literal' && value.value === true)
          problems.push({
            ...project.locate(file.path, node.start),
            message: 'TypeORM synchronizes the schema from the entities at start instead of migrating it.',
          })
      }
      if (
        sequelize &&
        node.type === 'CallExpression' &&
        calleeOf(node).name === 'sync' &&
        calleeOf(node).objectNode
      )
        problems.push({
          ...project.locate(file.path, node.start),
          message: 'Sequelize syncs the schema from the models at start instead of migrating it.',
        })
    })
  }
  return problems
}

export const noMigrations = defineRule({
  id: 'no-migrations',
  severity: 'warning',
  title: 'Schema pushed instead of migrated',
  why: 'Without versioned migrations a schema change cannot be reviewed, repeated on another environment or rolled forward safely.',
  fix: "Generate migrations (`drizzle-kit generate`, `prisma migrate dev`), commit them, and apply them as a release step (`drizzle-kit migrate`, `prisma migrate deploy` or the service's migrate script); no `synchronize` or `sync()` at start.",
  check(project) {
    const scripts = project.packageJson?.scripts ?? {}
    const pushing = Object.entries(scripts).filter(([, command]) =>
      command.split(/\s*(?:&&|;|\|\|)\s*/).some((part) => pushesSchema(part.trim())),
    )
    const problems = pushing.map(([name]) => ({
      ...project.locateInPackageJson(name),
      message: `Script "${name}" pushes the schema from the models instead of migrating.`,
    }))
    problems.push(...schemaSyncsInCode(project))
    const usesDatabase = databaseClients.some((name) => project.hasDependency(name))
    const hasMigrations =
      listMigrationFiles(project).length > 0 ||
      project.files.some((file) => /(?:^|\/)migrations?\//.test(file))
    if (usesDatabase && !hasMigrations)
      problems.push({
        ...project.locateInPackageJson('dependencies'),
        message: 'The service talks to a database but has no migrations folder.',
      })
    return problems
  },
})
