// Types of what the tests use of code-cache.mjs.
export function reassigned(code: string, names: ReadonlySet<string>): string | undefined;
