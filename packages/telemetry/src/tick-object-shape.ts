import { createHook } from 'node:async_hooks'

const noop = () => {}
let kept: object | undefined

/**
 * Keeps one `process.nextTick` queue entry alive for the life of the process, so the hidden class (map) V8
 * gives those entries is never collected. Node builds each entry as an object literal with three computed
 * symbol keys (`node:internal/process/task_queues`), and V8's feedback for such a key has no polymorphic
 * state: it holds the entry's map weakly, and once a full collection has cleared that map (no entry alive
 * at that moment, which any pause between ticks makes likely), the next entry turns the feedback
 * megamorphic for good. The optimized `nextTick` then calls into the runtime for every key of every entry:
 * counted with callgrind, ~40 % more instructions a `/healthz` probe in the processes it happened to (5 of 13
 * started alike) and ~2.6 % more a signed-in list; with one entry kept, 0 of 18 (bench/README, twentieth
 * pass). One live entry keeps its map, and the maps it was built through, so the feedback stays
 * monomorphic. An async hook's `init` is the one place Node hands an entry out; the hook is enabled around a
 * single `nextTick` and disabled at once, so no later tick or request pays for it.
 */
export function keepTickObjectShape(): void {
  if (kept !== undefined) return
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') kept ??= resource
    },
  })
  hook.enable()
  try {
    process.nextTick(noop)
  } finally {
    hook.disable()
  }
}
