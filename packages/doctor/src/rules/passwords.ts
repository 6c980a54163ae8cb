import {
  calleeOf,
  child,
  children,
  declarationsOf,
  importsOf,
  nameOf,
  numberValue,
  propertiesOf,
  resolveValue,
  stringValue,
  unwrap,
  walk,
} from '../_ast.ts'
import type { AstNode } from '../_project.ts'
import type { Problem } from '../types.ts'
import { defineRule } from './_rule.ts'

const fastHashes = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-256', 'sha3-512'])
const passwordName = /^(?:password|passwd|pass|pwd|plainPassword|newPassword)$/i
const writeCalls = new Set([
  'values',
  'insert',
  'create',
  'insertOne',
  'insertMany',
  'save',
  'set',
  'update',
  'updateOne',
  'upsert',
])
const lowestBcryptCost = 10
const equality = new Set(['===', '!==', '==', '!='])
/** Where a value the client sent lives: `req.body.password`, `input.password`, `credentials.pass`. */
const sentFrom =
  /^(?:req|request|body|input|data|params|query|args|dto|payload|credentials|form|values|fields)$/i
/** SQL text that ends in a comparison with a password column: `... AND password = '` */
const comparedColumn = /\bpass(?:word|wd)?\s*=\s*'?$/i

function isPasswordValue(node: AstNode | undefined): boolean {
  const bare = unwrap(node)
  if (bare?.type !== 'Identifier' && bare?.type !== 'MemberExpression') return false
  const name = nameOf(bare)
  return name !== undefined && passwordName.test(name)
}

/**
 * A password read from storage: `user.password`, `row.pwd`, drizzle's `users.password` column; not one the
 * client sent (`body.password`, `req.body.newPassword`).
 */
function isStoredPassword(node: AstNode | undefined): boolean {
  const bare = unwrap(node)
  if (bare?.type !== 'MemberExpression' || !isPasswordValue(bare)) return false
  for (let object = unwrap(child(bare, 'object')); object; ) {
    const name = nameOf(object)
    if (name !== undefined && sentFrom.test(name)) return false
    object = object.type === 'MemberExpression' ? unwrap(child(object, 'object')) : undefined
  }
  return true
}

/** One side a stored password, the other a password: a comparison only a plain-text column allows. */
function comparesPlainPasswords(left: AstNode | undefined, right: AstNode | undefined): boolean {
  return (
    (isStoredPassword(left) && isPasswordValue(right)) || (isStoredPassword(right) && isPasswordValue(left))
  )
}

function mentionsPassword(node: AstNode | undefined): boolean {
  let found = false
  walk(node, (inner) => {
    if (
      !found &&
      (inner.type === 'Identifier' || inner.type === 'MemberExpression') &&
      isPasswordValue(inner)
    )
      found = true
  })
  return found
}

export const passwordWeakHash = defineRule({
  id: 'password-weak-hash',
  severity: 'error',
  title: 'Passwords stored plain or fast-hashed',
  why: 'A leaked table of plain or fast-hashed (MD5/SHA) passwords is cracked in hours, and users reuse passwords elsewhere.',
  fix: 'Hash with argon2id (m ≥ 19456 KiB, t ≥ 2, p ≥ 1), or bcrypt with cost ≥ 10, and store only the hash.',
  check(project) {
    const problems: Problem[] = []
    for (const file of project.sourceFiles()) {
      const imports = importsOf(file.program)
      const declared = declarationsOf(file.program)
      const at = (node: AstNode, message: string) =>
        problems.push({ ...project.locate(file.path, node.start), message })
      walk(file.program, (node) => {
        // if (user.password !== body.password): a hash is never equal to what the client sent
        if (
          node.type === 'BinaryExpression' &&
          equality.has(node.operator as string) &&
          comparesPlainPasswords(child(node, 'left'), child(node, 'right'))
        ) {
          at(node, 'A stored password is compared with the one sent, so the table keeps it plain.')
          return
        }
        if (node.type !== 'CallExpression') return
        const { name, object, objectNode } = calleeOf(node)
        const args = children(node, 'arguments')
        // createHash('sha256').update(password)
        if (
          name === 'update' &&
          objectNode?.type === 'CallExpression' &&
          calleeOf(objectNode).name === 'createHash'
        ) {
          const algorithm = stringValue(children(objectNode, 'arguments')[0])?.toLowerCase()
          if (algorithm && fastHashes.has(algorithm) && mentionsPassword(args[0])) {
            at(objectNode, `A password is hashed with ${algorithm}, a fast hash.`)
          }
        }
        // bcrypt.hash(password, 4), bcrypt.genSalt(4)
        const fromBcrypt =
          (object && /^bcrypt/i.test(imports.get(object)?.source ?? object)) ||
          /^bcrypt/.test(imports.get(name ?? '')?.source ?? '')
        if (
          fromBcrypt &&
          (name === 'hash' || name === 'hashSync' || name === 'genSalt' || name === 'genSaltSync')
        ) {
          const cost = numberValue(resolveValue(name.startsWith('genSalt') ? args[0] : args[1], declared))
          if (cost !== undefined && cost < lowestBcryptCost)
            at(node, `bcrypt runs with cost ${cost}; below ${lowestBcryptCost} it is fast to brute-force.`)
        }
        // db.insert(users).values({ password }), User.create({ password: req.body.password })
        if (name && writeCalls.has(name)) {
          for (const arg of args) {
            for (const [key, value] of propertiesOf(arg)) {
              if (passwordName.test(key) && isPasswordValue(value))
                at(value, `The password is written as it was sent (field "${key}"), not hashed.`)
            }
          }
        }
        // drizzle: where(eq(users.password, password))
        if (name === 'eq' && comparesPlainPasswords(args[0], args[1]))
          at(node, 'A stored password is compared with the one sent, so the table keeps it plain.')
        // pool.query('INSERT INTO users (email, password) VALUES ($1, $2)', [email, password])
        // pool.query('SELECT id FROM users WHERE email = $1 AND password = $2', [email, password])
        // pool.query(`SELECT id FROM users WHERE email = '${email}' AND password = '${password}'`)
        if (name === 'query' || name === 'execute') {
          const text = unwrap(args[0])
          if (text?.type === 'TemplateLiteral') {
            const quasis = children(text, 'quasis')
            children(text, 'expressions').forEach((expression, index) => {
              const before = (quasis[index]?.value as { cooked?: string } | undefined)?.cooked ?? ''
              if (comparedColumn.test(before) && isPasswordValue(expression))
                at(expression, 'The password is compared in SQL as it was sent, so the table keeps it plain.')
            })
          }
          const sqlText = stringValue(resolveValue(args[0], declared))?.trimStart().toLowerCase() ?? ''
          const values = unwrap(args[1])
          if (
            (sqlText.startsWith('insert') || sqlText.startsWith('update')) &&
            values?.type === 'ArrayExpression'
          ) {
            const plain = children(values, 'elements').find((element) => isPasswordValue(element))
            if (plain) at(plain, 'The password is written to the database as it was sent, not hashed.')
          }
          const comparedAt = sqlText.search(/\bpass(?:word|wd)?\s*=\s*(?:\$\d+|\?)/)
          if (sqlText.startsWith('select') && comparedAt !== -1 && values?.type === 'ArrayExpression') {
            const plain = children(values, 'elements').find((element) => isPasswordValue(element))
            if (plain)
              at(plain, 'The password is compared in SQL as it was sent, so the table keeps it plain.')
          }
        }
      })
    }
    return problems
  },
})
