import { GeneratorError } from './errors.ts'
import {
  loadUpdateContext,
  type UpdateContext,
  type UpdateOptions,
  type UpdateReport,
  updateComponents,
} from './update-service.ts'

export type RegenOptions = UpdateOptions & {
  /** The components to bring up to date; default: every component the service has. */
  components?: string[]
}

/**
 * Brings a generated service up to date with today's templates without losing the service's own edits:
 * per file, by its ownership class, from the recorded merge base (.shipshape/base). Conflicts are an
 * outcome in the report (written as markers where the file is text), not an exception.
 */
export async function regenService(options: RegenOptions): Promise<UpdateReport> {
  const context = await loadUpdateContext(options)
  return updateComponents(context, selectComponents(context, options.components), options)
}

function selectComponents(context: UpdateContext, wanted: string[] | undefined): string[] {
  const present = Object.keys(context.state.manifest.components)
  if (wanted === undefined || wanted.length === 0) return present
  const known = context.template.components.map((component) => component.name)
  for (const name of wanted) {
    if (!known.includes(name) && !present.includes(name)) {
      throw new GeneratorError(
        'SHIPSHAPE_UNKNOWN_COMPONENT',
        `Unknown component "${name}": the ${context.template.name} template has ${known.join(', ')}.`,
      )
    }
    if (!present.includes(name)) {
      throw new GeneratorError(
        'SHIPSHAPE_COMPONENT_ABSENT',
        `apps/${context.state.name} has no ${name} component; add it with "shipshape add ${name} ${context.state.name}".`,
      )
    }
  }
  return present.filter((name) => wanted.includes(name))
}
