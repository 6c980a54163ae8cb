/*! fixture-text. MIT License. Jürgen Ä. © 2026 */
// Text beyond ASCII where bundled packages have it: comments esbuild keeps (in a class body, in an object
// literal, a legal comment) and code it escapes (strings, a template, a regular expression, a name).
class Address {
  /**
   * The scope ([RFC 4291 §2.7]) — read from the multicast bits.
   */
  scope() {
    return 'global'
  }
}

const table = {
  // ✓ the greeting, with a character outside the BMP: 👋
  greeting: 'héllo wörld 👋',
  pattern: /ü+/u,
}
const patterns = [/ü/.test('ü'), /👋$/.test('👋'), /^[👋]$/u.test('👋'), /^[^👋]$/v.test('é')]
const ключ = 'κλειδί'
const tagged = `café ${table.greeting}`

process.stdout.write(
  `${JSON.stringify({ greeting: table.greeting, matches: table.pattern.test('üü'), tagged, name: ключ, patterns, scope: new Address().scope() })}\n`,
)
