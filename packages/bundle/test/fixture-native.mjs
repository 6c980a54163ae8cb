// Reaches a runtime package this directory does not depend on: the bundle must be refused.
import { hash } from '@node-rs/argon2'

process.stdout.write(`${typeof hash}\n`)
