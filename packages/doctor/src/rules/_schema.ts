import { parseSync as parseSql } from 'libpg-query'
import {
  calleeOf,
  child,
  children,
  importsOf,
  nameOf,
  propertiesOf,
  stringValue,
  unwrap,
  walk,
} from '../_ast.ts'
import type { AstNode, Project } from '../_project.ts'
import type { Location } from '../types.ts'

/** A table's foreign keys, indexed leading columns and unique columns, from drizzle code, SQL migrations or Prisma. */
export interface TableFacts {
  table: string
  columns: Map<string, Location>
  foreignKeys: { column: string; at: Location }[]
  /** First column of every index, primary key or unique constraint: what makes an FK lookup cheap. */
  leadingIndexed: Set<string>
  /** Columns (or lower(column)) covered alone by a unique index or constraint. */
  unique: Set<string>
}

const facts = (table: string): TableFacts => ({
  table,
  columns: new Map(),
  foreignKeys: [],
  leadingIndexed: new Set(),
  unique: new Set(),
})

/** Tables declared with drizzle's `pgTable`/`mysqlTable`/`sqliteTable` in the service's own code. */
export function readDrizzleTables(project: Project): TableFacts[] {
  const tables: TableFacts[] = []
  for (const file of project.sourceFiles()) {
    const imports = importsOf(file.program)
    walk(file.program, (node) => {
      if (node.type !== 'CallExpression') return
      const { name, object } = calleeOf(node)
      if (object || !name || !/Table$/.test(name) || !imports.get(name)?.source.startsWith('drizzle-orm'))
        return
      const [tableName, columns, extra] = children(node, 'arguments')
      const table = facts(stringValue(tableName) ?? '?')
      for (const [key, column] of propertiesOf(columns))
        readDrizzleColumn(project, file.path, table, key, column)
      walk(extra, (inner) => readDrizzleIndex(table, inner))
      tables.push(table)
    })
  }
  return tables
}

/** The builder chain of a column: `uuid('owner_id').notNull().references(...)` → ['references', 'notNull', 'uuid']. */
function chainOf(column: AstNode): AstNode[] {
  const calls: AstNode[] = []
  let current = unwrap(column)
  while (current?.type === 'CallExpression') {
    calls.push(current)
    const callee = unwrap(child(current, 'callee'))
    current = callee?.type === 'MemberExpression' ? unwrap(child(callee, 'object')) : undefined
  }
  return calls
}

function readDrizzleColumn(
  project: Project,
  path: string,
  table: TableFacts,
  key: string,
  column: AstNode,
): void {
  const chain = chainOf(column)
  const names = chain.map((call) => calleeOf(call).name)
  const at = project.locate(path, column.start)
  table.columns.set(key, at)
  if (names.includes('references')) table.foreignKeys.push({ column: key, at })
  if (names.includes('primaryKey') || names.includes('unique')) table.leadingIndexed.add(key)
  if (names.includes('unique') || names.includes('primaryKey')) table.unique.add(key)
}

/** The column keys an index's `.on(table.a, sql\`lower(${table.b})\`)` names, in order. */
function indexedColumns(args: AstNode[]): string[] {
  return args.map((arg) => {
    const bare = unwrap(arg)
    if (bare?.type === 'MemberExpression') return nameOf(bare) ?? ''
    let inner = ''
    walk(bare, (node) => {
      if (!inner && node.type === 'MemberExpression') inner = nameOf(node) ?? ''
    })
    return inner
  })
}

function readDrizzleIndex(table: TableFacts, node: AstNode): void {
  if (node.type !== 'CallExpression') return
  const { name, objectNode } = calleeOf(node)
  if (name === 'on' && objectNode?.type === 'CallExpression') {
    const kind = calleeOf(objectNode).name
    const columns = indexedColumns(children(node, 'arguments'))
    if (columns[0]) table.leadingIndexed.add(columns[0])
    if ((kind === 'uniqueIndex' || kind === 'unique') && columns.length === 1 && columns[0])
      table.unique.add(columns[0])
  }
  if (name === 'primaryKey') {
    const first = indexedColumns(
      children(propertiesOf(children(node, 'arguments')[0]).get('columns'), 'elements'),
    )[0]
    if (first) table.leadingIndexed.add(first)
  }
  if (name === 'foreignKey') {
    const columns = indexedColumns(
      children(propertiesOf(children(node, 'arguments')[0]).get('columns'), 'elements'),
    )
    if (columns[0])
      table.foreignKeys.push({
        column: columns[0],
        at: table.columns.get(columns[0]) ?? { file: '', line: 1 },
      })
  }
}

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON AST, read by the shapes the checks need.
type PgNode = any

/** The SQL migrations of the service (any `.sql` under a migrations or drizzle folder), in name order. */
export function listMigrationFiles(project: Project): string[] {
  return project.files.filter(
    (file) => file.endsWith('.sql') && /(?:^|\/)(?:migrations?|drizzle|db|sql)\//.test(file),
  )
}

/** Tables from SQL migrations, parsed with PostgreSQL's own parser (libpg-query). */
export function readSqlTables(project: Project): TableFacts[] {
  const tables = new Map<string, TableFacts>()
  const tableOf = (name: string) => tables.get(name) ?? tables.set(name, facts(name)).get(name) ?? facts(name)
  for (const file of listMigrationFiles(project)) {
    const text = project.read(file) ?? ''
    let statements: PgNode[]
    try {
      statements = parseSql(text).stmts ?? []
    } catch {
      continue
    }
    const bytes = Buffer.from(text)
    const locate = (byteOffset: number) =>
      project.locate(file, bytes.subarray(0, byteOffset).toString().length)
    for (const { stmt, stmt_location: offset = 0 } of statements) {
      const at = locate(offset)
      if (stmt.CreateStmt) {
        const table = tableOf(stmt.CreateStmt.relation.relname)
        for (const element of stmt.CreateStmt.tableElts ?? []) {
          if (element.ColumnDef) {
            const column = element.ColumnDef.colname
            table.columns.set(column, locate(element.ColumnDef.location ?? offset))
            for (const { Constraint: constraint } of element.ColumnDef.constraints ?? [])
              readConstraint(table, constraint, [column], locate(element.ColumnDef.location ?? offset))
          }
          if (element.Constraint) readConstraint(table, element.Constraint, undefined, at)
        }
      }
      if (stmt.AlterTableStmt) {
        const table = tableOf(stmt.AlterTableStmt.relation.relname)
        for (const { AlterTableCmd: command } of stmt.AlterTableStmt.cmds ?? []) {
          if (command?.def?.Constraint) readConstraint(table, command.def.Constraint, undefined, at)
          if (command?.def?.ColumnDef) {
            const column = command.def.ColumnDef.colname
            table.columns.set(column, at)
            for (const { Constraint: constraint } of command.def.ColumnDef.constraints ?? [])
              readConstraint(table, constraint, [column], at)
          }
        }
      }
      if (stmt.IndexStmt) {
        const table = tableOf(stmt.IndexStmt.relation.relname)
        const columns = (stmt.IndexStmt.indexParams ?? []).map(
          ({ IndexElem: element }: PgNode) => element.name ?? columnInExpression(element.expr),
        )
        if (columns[0]) table.leadingIndexed.add(columns[0])
        if (stmt.IndexStmt.unique && columns.length === 1 && columns[0]) table.unique.add(columns[0])
      }
    }
  }
  return [...tables.values()]
}

function columnInExpression(expression: PgNode): string | undefined {
  if (!expression || typeof expression !== 'object') return undefined
  if (expression.ColumnRef) return expression.ColumnRef.fields?.at(-1)?.String?.sval
  for (const value of Object.values(expression)) {
    const found = columnInExpression(value)
    if (found) return found
  }
  return undefined
}

function readConstraint(
  table: TableFacts,
  constraint: PgNode,
  columns: string[] | undefined,
  at: Location,
): void {
  if (!constraint) return
  const keys: string[] =
    columns ?? (constraint.fk_attrs ?? constraint.keys ?? []).map((key: PgNode) => key.String?.sval)
  const [first] = keys
  if (!first) return
  if (constraint.contype === 'CONSTR_FOREIGN') table.foreignKeys.push({ column: first, at })
  if (constraint.contype === 'CONSTR_PRIMARY' || constraint.contype === 'CONSTR_UNIQUE') {
    table.leadingIndexed.add(first)
    if (keys.length === 1) table.unique.add(first)
  }
}

/** The names in a Prisma list argument: `[authorId, created(sort: Desc)]` → ['authorId', 'created']. */
function prismaList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => /^\s*(\w+)/.exec(item)?.[1])
    .filter((name): name is string => name !== undefined)
}

/**
 * Models from Prisma schemas (`*.prisma`), read line by line: scalar fields are columns (by field name, as
 * Prisma's own index lists name them), `@id`/`@unique` and `@@id`/`@@unique`/`@@index` index them, and a
 * relation's `fields: [...]` is a foreign key. On MySQL, InnoDB indexes every foreign key itself, so none is
 * reported there.
 */
export function readPrismaTables(project: Project): TableFacts[] {
  const tables: TableFacts[] = []
  for (const file of project.files.filter((path) => path.endsWith('.prisma'))) {
    const text = project.read(file) ?? ''
    const provider = /datasource\s+\w+\s*\{[^}]*?provider\s*=\s*"(\w+)"/.exec(text)?.[1]
    const models = new Set([...text.matchAll(/^\s*(?:model|type|enum)\s+(\w+)/gm)].map((match) => match[1]))
    let table: TableFacts | undefined
    let offset = 0
    for (const raw of text.split('\n')) {
      const lineStart = offset
      offset += raw.length + 1
      const line = raw.replace(/\/\/.*$/, '')
      const at = project.locate(file, lineStart + (raw.length - raw.trimStart().length))
      const model = /^\s*model\s+(\w+)\s*\{/.exec(line)
      if (model?.[1]) {
        table = facts(model[1])
        tables.push(table)
        continue
      }
      if (!table) continue
      if (/^\s*\}/.test(line)) {
        table = undefined
        continue
      }
      const block = /^\s*@@(\w+)\s*\(\s*(?:fields:\s*)?\[([^\]]*)\]/.exec(line)
      if (block) {
        const columns = prismaList(block[2])
        if (block[1] === 'map') continue
        if (columns[0]) table.leadingIndexed.add(columns[0])
        if ((block[1] === 'unique' || block[1] === 'id') && columns.length === 1 && columns[0])
          table.unique.add(columns[0])
        continue
      }
      const tableName = /^\s*@@map\(\s*"([^"]+)"/.exec(line)?.[1]
      if (tableName) table.table = tableName
      const field = /^\s*(\w+)\s+(\w+)(\[\]|\?)?(.*)$/.exec(line)
      if (!field?.[1] || !field[2]) continue
      const [, name, type, , rest = ''] = field
      const relation = /@relation\([^)]*fields:\s*\[([^\]]*)\]/.exec(rest)
      if (relation) {
        const [first] = prismaList(relation[1])
        if (first && provider !== 'mysql') table.foreignKeys.push({ column: first, at })
        continue
      }
      if (models.has(type)) continue
      table.columns.set(name, at)
      if (/@(?:id|unique)\b/.test(rest)) {
        table.leadingIndexed.add(name)
        table.unique.add(name)
      }
    }
  }
  return tables
}

/**
 * The schema as the service declares it: drizzle tables in code (its SQL is generated from them), else SQL
 * migrations, else Prisma models (a Prisma project with migrations is read from its SQL).
 */
export function readTables(project: Project): TableFacts[] {
  const drizzle = readDrizzleTables(project)
  if (drizzle.length > 0) return drizzle
  const sql = readSqlTables(project)
  return sql.length > 0 ? sql : readPrismaTables(project)
}
