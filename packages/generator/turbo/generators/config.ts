import type { PlopTypes } from '@turbo/gen'
import { getServiceGeneratorConfig } from '../../src/index.ts'

// `turbo gen service` runs the same generator as `shipshape new service`.
export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator('service', getServiceGeneratorConfig(process.cwd()))
}
