/** Something outside the manuscript stops the work (a missing file, no browser): exit 2. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/** The command line itself is wrong (unknown option, missing argument): exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
