export { describeAuthContract } from './contract.ts'
export { cheapArgon2Params } from './overrides.ts'
export { describeSignupRace } from './signup-race.ts'
export type { AuthContractOptions, AuthContractService, SignupRaceOptions } from './types.ts'
