/** The command line was wrong: the CLI says what, prints its usage and exits 64. */
export class UsageError extends Error {}
