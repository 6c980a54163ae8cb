import { describe, expect, it } from 'vitest'
import { createVerdaccioConfig } from './_verdaccio-config.ts'

const defaults = {
  storage: './storage',
  uplinks: { npmjs: { url: 'https://upstream.invalid/' } },
  packages: {
    '@*/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated', proxy: 'npmjs' },
    '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated', proxy: 'npmjs' },
  },
  middlewares: { audit: { enabled: true } },
}

const config = createVerdaccioConfig(defaults, {
  dir: '/tmp/registry',
  port: 4873,
  uplink: 'http://mirror.invalid/',
  localPackages: ['@shipshape/*', 'create-shipshape'],
})

describe('createVerdaccioConfig', () => {
  it('serves our packages locally only, matched before any proxied pattern', () => {
    const packages = config.packages as Record<string, Record<string, unknown>>
    expect(Object.keys(packages)).toEqual(['@shipshape/*', 'create-shipshape', '@*/*', '**'])
    expect(packages['@shipshape/*']).not.toHaveProperty('proxy')
    expect(packages['create-shipshape']).not.toHaveProperty('proxy')
    expect(packages['@shipshape/*']).toMatchObject({ access: '$all', publish: '$authenticated' })
  })

  it('proxies everything else to the one uplink it is given', () => {
    expect(config.uplinks).toEqual({ upstream: { url: 'http://mirror.invalid/' } })
    const packages = config.packages as Record<string, Record<string, unknown>>
    expect(packages['@*/*']?.proxy).toBe('upstream')
    expect(packages['**']?.proxy).toBe('upstream')
  })

  it('listens on loopback only, keeps its files in the given folder and the rest of the defaults', () => {
    expect(config.listen).toBe('127.0.0.1:4873')
    expect(config.storage).toBe('/tmp/registry/storage')
    expect(config.auth).toEqual({ htpasswd: { file: '/tmp/registry/htpasswd' } })
    expect(config.middlewares).toEqual(defaults.middlewares)
  })
})
