import { cancel, isCancel, text } from '@clack/prompts'
import {
  defaultResource,
  findWorkspace,
  getFreePort,
  listServices,
  type ServiceInput,
  servicePrompts,
} from '@shipshape/generator'
import { UsageError } from './errors.ts'

/** What each prompt suggests: the port is the first one no service of this workspace uses. */
export function getPromptDefaults(cwd: string): Record<string, string | undefined> {
  const defaults = Object.fromEntries(servicePrompts.map((question) => [question.name, question.default]))
  return { ...defaults, port: String(getFreePort(listServices(findWorkspace(cwd)))) }
}

/** Asks for what the flags left out, with the generator's own validators; only called with a terminal. */
export async function promptForMissing(input: Partial<ServiceInput>, cwd: string): Promise<ServiceInput> {
  const defaults = getPromptDefaults(cwd)
  const answers: Record<string, string | undefined> = {
    name: input.name,
    port: input.port === undefined ? undefined : String(input.port),
    resource: input.resource,
  }
  for (const question of servicePrompts) {
    if (answers[question.name] !== undefined) continue
    const suggested = defaults[question.name]
    const value = await text({
      message: question.message,
      placeholder: suggested,
      defaultValue: suggested,
      validate: (v) => {
        const result = question.validate(v || suggested || '')
        return result === true ? undefined : result
      },
    })
    if (isCancel(value)) {
      cancel('Nothing was written.')
      throw new UsageError('Cancelled.')
    }
    answers[question.name] = value || suggested
  }
  return { name: answers.name ?? '', port: answers.port, resource: answers.resource ?? defaultResource }
}
