let tracing = false;

/** Turns tracing on for this process (the CLI does, when the run's MUDRAN_TRACE is set). */
export function enableTrace(): void {
  tracing = true;
}

/** When tracing, prints when each step of a run ended (ms since the process started) on stderr. */
export function trace(step: string): void {
  if (tracing) process.stderr.write(`${performance.now().toFixed(0).padStart(6)} ms  ${step}\n`);
}
