/** The compiled CLI entry for the current sources (see compile.js). */
export function compiledEntry(): Promise<string>;
