import { describe, expect, it } from 'vitest'
import { startServiceProcess } from './service-process.ts'

const serviceDir = new URL('../test/', import.meta.url)

describe('startServiceProcess', () => {
  it('resolves once /healthz answers, reads the memory of the process, and stops it with SIGTERM', async () => {
    const service = await startServiceProcess({ serviceDir, entry: 'healthz-server.ts' })
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200)
    const memory = await service.memory()
    expect(memory.rss).toBeGreaterThan(memory.heapUsed)
    expect(memory.heapUsed).toBeGreaterThan(0)
    expect(await service.stop()).toBe(0)
  })

  it('rejects with the output of a process that exits before it serves', async () => {
    await expect(startServiceProcess({ serviceDir, entry: 'no-such-entry.ts' })).rejects.toThrow(
      /did not start:[\s\S]*no-such-entry/,
    )
  })
})
