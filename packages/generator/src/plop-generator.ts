import type { ServiceInput } from './answers.ts'
import { servicePrompts } from './prompts.ts'

/**
 * The generator as plop data, for `turbo gen service`: the CLI's questions, and one action that hands the
 * answers to `create` (which runs `shipshape new service`), so turbo gen and the CLI write the same files
 * with the same checks, atomicity and manifest. This module reads nothing from `import.meta`, because
 * turbo gen loads generator configs as CommonJS.
 */
export function getServiceGeneratorConfig(create: (input: ServiceInput) => Promise<string>) {
  return {
    description: 'A production-ready Fastify service in apps/<name>',
    prompts: servicePrompts,
    actions: [
      (answers: Record<string, string | undefined>) =>
        create({ name: answers.name ?? '', port: answers.port, resource: answers.resource }),
    ],
  }
}
