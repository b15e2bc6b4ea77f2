/** With MUDRAN_TRACE set, prints when each step of a run ended (ms since the process started) on stderr. */
const TRACING = Boolean(process.env['MUDRAN_TRACE']);

export function trace(step: string): void {
  if (TRACING) process.stderr.write(`${performance.now().toFixed(0).padStart(6)} ms  ${step}\n`);
}

/** Traces the start and end of `work`. */
export async function traced<T>(step: string, work: () => Promise<T>): Promise<T> {
  trace(`${step} …`);
  try {
    return await work();
  } finally {
    trace(`${step} done`);
  }
}
