import { spawnSync } from 'node:child_process'
import type { PlopTypes } from '@turbo/gen'
import { getServiceGeneratorConfig } from '../../src/plop-generator.ts'

// `turbo gen service` asks the CLI's questions, then runs `shipshape new service` itself.
export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator(
    'service',
    getServiceGeneratorConfig(async ({ name, port, resource }) => {
      const flags = [...(port ? ['--port', String(port)] : []), ...(resource ? ['--resource', resource] : [])]
      const result = spawnSync('pnpm', ['--silent', 'shipshape', 'new', 'service', name, ...flags, '--yes'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      if (result.status !== 0)
        throw new Error(result.stderr.trim() || `shipshape exited with ${result.status}`)
      return result.stdout.trim()
    }),
  )
}
