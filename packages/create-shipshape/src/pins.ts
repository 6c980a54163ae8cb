/** What a new workspace pins, taken from the shipshape repository when this package is built. */
export type Pins = {
  /** The version of create-shipshape, and so of every `@shipshape/*` package (one release group). */
  shipshapeVersion: string
  nodeVersion: string
  /** The root package.json's `engines.node`: the pinned major, from the pinned version on. */
  nodeEngines: string
  pnpmVersion: string
  turboVersion: string
  /** Biome, the workspace's linter and formatter (`pnpm lint`), at this repository's version. */
  biomeVersion: string
  postgresImage: string
}

declare const __SHIPSHAPE_PINS__: Pins

export const pins: Pins = __SHIPSHAPE_PINS__
