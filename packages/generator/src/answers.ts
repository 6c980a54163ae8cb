import { builtinModules } from 'node:module'
import pluralize from 'pluralize'
import { GeneratorError } from './errors.ts'

export type ServiceAnswers = {
  name: string
  port: number
  resource: string
}

export type ServiceInput = {
  name: string
  port?: number | string | undefined
  resource?: string | undefined
}

export const defaultPort = 3000
export const defaultResource = 'items'

/** Names that would shadow a workspace folder, a tool, or a Node built-in once used as a package name. */
const reservedNames = new Set([
  'shipshape',
  'apps',
  'packages',
  'templates',
  'tooling',
  'bench',
  'node_modules',
  'favicon.ico',
  'test',
  'tests',
  'src',
  'dist',
  ...builtinModules,
  // Windows device names: a folder or file so named cannot be made or opened there, whatever follows the dot.
  ...['con', 'prn', 'aux', 'nul'],
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`]),
])

/** Paths the service itself serves; a resource with one of these names would collide with them. */
const reservedResources = new Set(['healthz', 'readyz', 'auth', 'webhooks', 'openapi', 'docs', 'metrics'])

// A service name is a folder, a package name, a container and a DNS label: the strictest of those wins.
const namePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
const resourcePattern = /^[a-z][a-z0-9]{1,39}$/

/** Checks the user's answers and returns them normalized, or throws the first problem found. */
export function validateAnswers(input: ServiceInput): ServiceAnswers {
  return {
    name: validateName(input.name),
    port: validatePort(input.port ?? defaultPort),
    resource: validateResource(input.resource ?? defaultResource),
  }
}

export function validateName(name: string): string {
  if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
    throw new GeneratorError(
      'SHIPSHAPE_INVALID_NAME',
      `"${name}" is a path, not a service name: services always go to apps/<name>. Use a name like "billing".`,
    )
  }
  if (name.length > 40 || !namePattern.test(name)) {
    throw new GeneratorError(
      'SHIPSHAPE_INVALID_NAME',
      `"${name}" is not a valid service name: use 1-40 lowercase letters, digits and single dashes, starting with a letter (e.g. "billing" or "order-history").`,
    )
  }
  if (reservedNames.has(name)) {
    throw new GeneratorError('SHIPSHAPE_RESERVED_NAME', `"${name}" is reserved; pick another service name.`)
  }
  return name
}

export function validatePort(port: number | string): number {
  const value = typeof port === 'number' ? port : /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN
  // Privileged ports need root, and the image runs as a non-root user.
  if (!Number.isInteger(value) || value < 1024 || value > 65535) {
    throw new GeneratorError(
      'SHIPSHAPE_INVALID_PORT',
      `--port must be a whole number from 1024 to 65535 (got "${port}").`,
    )
  }
  return value
}

export function validateResource(resource: string): string {
  if (
    !resourcePattern.test(resource) ||
    !pluralize.isPlural(resource) ||
    pluralize.singular(resource) === resource
  ) {
    throw new GeneratorError(
      'SHIPSHAPE_INVALID_RESOURCE',
      `--resource must be a plural noun of 2-40 lowercase letters and digits, like "bookings" or "invoices" (got "${resource}").`,
    )
  }
  if (reservedResources.has(resource)) {
    throw new GeneratorError(
      'SHIPSHAPE_INVALID_RESOURCE',
      `--resource "${resource}" collides with a route every service serves.`,
    )
  }
  return resource
}
