type PackageRule = Record<string, unknown> & { proxy?: string }

export interface VerdaccioConfigOptions {
  /** The folder that holds the storage and the htpasswd file. */
  dir: string
  port: number
  /** The registry every other package is proxied to. */
  uplink: string
  /** Package-name patterns served from local storage only, never proxied. */
  localPackages: readonly string[]
}

const uplinkName = 'upstream'

/**
 * Verdaccio's own default configuration with the changes a throwaway CI registry needs. Everything not
 * named here keeps the package's defaults, so an upgrade of Verdaccio brings its new defaults along.
 */
export function createVerdaccioConfig(
  defaults: Record<string, unknown>,
  options: VerdaccioConfigOptions,
): Record<string, unknown> {
  const defaultRules = (defaults.packages ?? {}) as Record<string, PackageRule>
  const scopedRule = defaultRules['@*/*'] ?? { access: '$all', publish: '$authenticated' }
  // No `proxy` key: a local package that is not in storage is a 404, never a lookup upstream, so a
  // same-named public package can never stand in for ours. Verdaccio matches rules top to bottom, hence first.
  const { proxy: _, ...localRule } = scopedRule
  const packages: Record<string, PackageRule> = {}
  for (const pattern of options.localPackages) packages[pattern] = { ...localRule }
  for (const [pattern, rule] of Object.entries(defaultRules)) {
    if (pattern in packages) continue
    packages[pattern] = rule.proxy === undefined ? rule : { ...rule, proxy: uplinkName }
  }
  return {
    ...defaults,
    storage: `${options.dir}/storage`,
    auth: { htpasswd: { file: `${options.dir}/htpasswd` } },
    uplinks: { [uplinkName]: { url: options.uplink } },
    packages,
    listen: `127.0.0.1:${options.port}`,
    web: { ...(defaults.web as object), enable: false },
    // JSON lines, so a test can tell from the log which requests went upstream.
    log: { type: 'stdout', format: 'json', level: 'http' },
  }
}
