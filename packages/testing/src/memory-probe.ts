// Preloaded into a service process by `startServiceProcess` (`node --import`): answers 'memory' over the IPC
// channel with the process's own figures, after a full collection (`--expose-gc`) so that garbage not yet
// collected does not read as growth. The channel is unref'd, so it never keeps the process alive.
process.on('message', (message) => {
  if (message !== 'memory') return
  ;(globalThis as { gc?: () => void }).gc?.()
  process.send?.(process.memoryUsage())
})
process.channel?.unref()
