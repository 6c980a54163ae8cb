// A preload (`--import`): records the URL of every module Node loads, ES or CommonJS, in `globalThis.loaded`.
import { registerHooks } from 'node:module'

globalThis.loaded = []
registerHooks({
  load(url, context, nextLoad) {
    globalThis.loaded.push(url)
    return nextLoad(url, context)
  },
})
