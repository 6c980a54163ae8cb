export { type OptionsErrorCode, optionsErrorCatalogue } from './catalogue.ts'
export { OptionsError } from './options-error.ts'
export {
  getStatusTitle,
  PROBLEM_CODE_PATTERN,
  type ProblemBody,
  ProblemError,
  type ProblemInit,
  toProblemBody,
} from './problem.ts'
