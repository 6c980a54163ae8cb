// A start that fails with a stack trace: under --enable-source-maps it names this file's lines.
function failToStart() {
  throw new Error('the fixture failed to start')
}
failToStart()
