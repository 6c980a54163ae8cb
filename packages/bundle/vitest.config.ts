import { defineTestConfig } from '@shipshape/vitest-config'

export default defineTestConfig()
