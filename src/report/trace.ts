/** With MUDRAN_TRACE set, prints when each step of a run ended (ms since the process started) on stderr. */
const TRACING = Boolean(process.env['MUDRAN_TRACE']);

export function trace(step: string): void {
  if (TRACING) process.stderr.write(`${performance.now().toFixed(0).padStart(6)} ms  ${step}\n`);
}
