import { GeneratorError } from './errors.ts'
import {
  loadUpdateContext,
  type UpdateOptions,
  type UpdateReport,
  updateComponents,
} from './update-service.ts'

export type AddComponentOptions = Omit<UpdateOptions, 'check'> & { component: string }

/**
 * Adds a component the service lacks: renders just that component's files and records it in the manifest.
 * A file the service already has at one of those paths is merged by its ownership class, never overwritten.
 */
export async function addComponent(options: AddComponentOptions): Promise<UpdateReport> {
  const context = await loadUpdateContext(options)
  const known = context.template.components.map((component) => component.name)
  if (!known.includes(options.component)) {
    throw new GeneratorError(
      'SHIPSHAPE_UNKNOWN_COMPONENT',
      `Unknown component "${options.component}": the ${context.template.name} template has ${known.join(', ')}.`,
    )
  }
  if (context.state.manifest.components[options.component]) {
    throw new GeneratorError(
      'SHIPSHAPE_COMPONENT_PRESENT',
      `apps/${context.state.name} already has the ${options.component} component; update it with "shipshape regen ${context.state.name} ${options.component}".`,
    )
  }
  return updateComponents(context, [options.component], options)
}
