/** A run's environment variables (the process's, or a build server's client's). */
export type Environment = Readonly<Record<string, string | undefined>>;
