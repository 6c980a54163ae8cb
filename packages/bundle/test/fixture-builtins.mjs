// Node's builtins imported every way an ES module can: named, default, namespace, with and without `node:`.
import { createHash, randomUUID } from 'node:crypto'
import http, { STATUS_CODES } from 'node:http'
import * as os from 'node:os'
// biome-ignore lint/style/useNodejsImportProtocol: the bare name is one of the forms under test
import { join } from 'path'

// Node's own list of the internal modules it has loaded so far (no public API says this).
const loaded = process.moduleLoadList ?? []
process.stdout.write(
  `${JSON.stringify({
    hash: createHash('sha256').update('a').digest('hex').slice(0, 8),
    uuid: randomUUID().length,
    createServer: typeof http.createServer,
    status: STATUS_CODES[404],
    eol: os.EOL === '\n',
    joined: join('a', 'b'),
    undici: loaded.some((name) => name.includes('undici')),
    listed: loaded.length > 0,
  })}\n`,
)
