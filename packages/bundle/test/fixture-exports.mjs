// An entry point that exports: nothing can import a bundle's script, so its exports would be lost.
export const answer = 42
