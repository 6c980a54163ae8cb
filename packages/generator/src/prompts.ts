import { defaultResource, validateName, validatePort, validateResource } from './answers.ts'
import { GeneratorError } from './errors.ts'

/** A prompt's validator in inquirer's shape: true, or the message of the refusal. */
function toPromptValidator(validate: (value: string) => unknown) {
  return (value: string) => {
    try {
      validate(value)
      return true
    } catch (error) {
      return error instanceof GeneratorError ? error.message : String(error)
    }
  }
}

/** The prompts of `new service`, as data; the CLI and `turbo gen` ask the same questions. */
export const servicePrompts = [
  {
    type: 'input',
    name: 'name',
    message: 'Service name (apps/<name>)',
    validate: toPromptValidator(validateName),
  },
  {
    type: 'input',
    name: 'port',
    message: 'Port',
    default: '3000',
    validate: toPromptValidator(validatePort),
  },
  {
    type: 'input',
    name: 'resource',
    message: 'Sample resource (plural)',
    default: defaultResource,
    validate: toPromptValidator(validateResource),
  },
]
