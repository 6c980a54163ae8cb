import { cancel, isCancel, text } from '@clack/prompts'
import { defaultResource, type ServiceInput, servicePrompts } from '@shipshape/generator'
import { UsageError } from './errors.ts'

/** Asks for what the flags left out, with the generator's own validators; only called with a terminal. */
export async function promptForMissing(input: Partial<ServiceInput>): Promise<ServiceInput> {
  const answers: Record<string, string | undefined> = {
    name: input.name,
    port: input.port === undefined ? undefined : String(input.port),
    resource: input.resource,
  }
  for (const question of servicePrompts) {
    if (answers[question.name] !== undefined) continue
    const value = await text({
      message: question.message,
      placeholder: question.default,
      defaultValue: question.default,
      validate: (v) => {
        const result = question.validate(v || question.default || '')
        return result === true ? undefined : result
      },
    })
    if (isCancel(value)) {
      cancel('Nothing was written.')
      throw new UsageError('Cancelled.')
    }
    answers[question.name] = value || question.default
  }
  return { name: answers.name ?? '', port: answers.port, resource: answers.resource ?? defaultResource }
}
