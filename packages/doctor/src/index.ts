export type { DoctorOptions, DoctorReport } from './doctor.ts'
export { DoctorError, doctorVersion, isAtLeast, listRules, runDoctor } from './doctor.ts'
export { formatText, toSarif } from './format.ts'
export type { Finding, Location, RuleMeta, Severity } from './types.ts'
