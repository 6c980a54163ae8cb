// Test-only preload: reports every outgoing TCP connection attempt on stderr, so a test can prove the
// telemetry preload opens none of its own.
import net from 'node:net'

const connect = net.Socket.prototype.connect

function describeTarget(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  if (typeof first === 'object' && first !== null)
    return { host: first.host, port: first.port, path: first.path }
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first }
}

net.Socket.prototype.connect = function spyConnect(...args) {
  process.stderr.write(`NETSPY ${JSON.stringify(describeTarget(args))}\n`)
  return connect.apply(this, args)
}
