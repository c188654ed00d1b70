/**
 * The error of bad input: the CLI prints its message as one line and exits with code 2. In a module
 * of its own, without `node:` imports, so that code shared with the browser app can throw it.
 */
export class UsageError extends Error {}
