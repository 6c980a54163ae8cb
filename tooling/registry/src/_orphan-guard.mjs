// Preloaded (`node --import`) into the registry process. Its stdin is a pipe from the process that started
// it; when that process dies, even by SIGKILL, the pipe closes and the registry exits instead of outliving it.
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
