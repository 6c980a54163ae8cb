import type { Problem } from '../types.ts'
import { defineRule } from './_rule.ts'

const textFile =
  /\.(?:[cm]?[jt]sx?|json|ya?ml|env|pem|key|txt|md|conf|ini|toml|sh)$|(?:^|\/)(?:\.env[^/]*|Dockerfile[^/]*)$/
const pemHeader = '-----BEGIN '
const pemKind = ' PRIVATE KEY-----'

export const envFileCommitted = defineRule({
  id: 'env-file-committed',
  severity: 'error',
  title: '.env file not ignored by git',
  why: 'A committed `.env` puts real credentials in every clone, fork and CI log of the repository.',
  fix: 'Add `.env` to `.gitignore`, remove it from git (`git rm --cached .env`) and rotate every secret it held.',
  check(project) {
    return project.files
      .filter((file) => /(?:^|\/)\.env(?:\.(?:local|production|development))?$/.test(file))
      .filter((file) => !project.isGitIgnored(file))
      .map((file) => ({
        file,
        line: 1,
        message: `${file} holds environment values and git does not ignore it.`,
      }))
  },
})

export const privateKeyCommitted = defineRule({
  id: 'private-key-committed',
  severity: 'error',
  title: 'Private key in the repository',
  why: 'A private key in the source tree is readable by everyone with the code, and cannot be un-leaked.',
  fix: 'Delete the key, rotate it, and load keys from a secret store or a mounted file at run time.',
  check(project) {
    const problems: Problem[] = []
    for (const file of project.files.filter((path) => textFile.test(path))) {
      const lines = (project.read(file) ?? '').split('\n')
      lines.forEach((line, index) => {
        const start = line.indexOf(pemHeader)
        if (start >= 0 && line.includes(pemKind, start))
          problems.push({
            file,
            line: index + 1,
            column: start + 1,
            message: 'A PEM private key is committed here.',
          })
      })
    }
    return problems
  },
})
