import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { trace } from '../report/trace.ts';
import type { PdfMade } from './finish.ts';
import { PDF_WORKER_DATA, runPdfJob, type PdfJob, type PdfJobAnswer, type PdfJobRequest } from './worker.ts';

/**
 * A PDF this big is post-processed on a worker thread. A smaller one takes a few hundred
 * milliseconds on the main thread, less than a worker takes to load its modules.
 */
let inWorkerFromBytes = 1_000_000;

/**
 * Every PDF on a worker thread, however small: a build server must answer its clients while it
 * works, so nothing long may run on its main thread.
 */
export function keepMainThreadFree(): void {
  inWorkerFromBytes = 0;
}

/** Set by bin/compile.js to the compiled worker's file name, next to this chunk. */
declare const MUDRAN_PDF_WORKER: string | undefined;

/**
 * PDF post-processing (the text layer, metadata) on worker threads: a long book's text layer
 * takes seconds of CPU, which on the main thread would also stall reading Chromium's next PDF.
 * Workers start when first needed and never keep the process alive while idle.
 */
class PdfWorkers {
  readonly #size = Math.min(2, availableParallelism());
  #workers: { worker: Worker; busy: number }[] = [];
  #pending = new Map<number, { resolve: (made: PdfMade) => void; reject: (error: Error) => void; worker: Worker }>();
  #nextId = 0;

  async run(job: PdfJob, pdf: Uint8Array): Promise<PdfMade> {
    trace(`${job.kind} of ${pdf.length} bytes …`);
    try {
      return pdf.length < inWorkerFromBytes ? await runPdfJob(job, pdf) : await this.#onWorker(job, pdf);
    } finally {
      trace(`${job.kind} of ${pdf.length} bytes done`);
    }
  }

  async #onWorker(job: PdfJob, pdf: Uint8Array): Promise<PdfMade> {
    const slot = this.#pick();
    const id = this.#nextId++;
    slot.busy += 1;
    if (slot.busy === 1) slot.worker.ref();
    try {
      return await new Promise<PdfMade>((resolve, reject) => {
        this.#pending.set(id, { resolve, reject, worker: slot.worker });
        // The worker gets its own copy: the caller may still use its bytes.
        slot.worker.postMessage({ id, job, pdf } satisfies PdfJobRequest);
      });
    } finally {
      slot.busy -= 1;
      if (slot.busy === 0) slot.worker.unref();
    }
  }

  /**
   * Ends the idle workers; the next job starts a fresh one. A build server does this between
   * runs: after a long book's text layer each worker holds a few hundred megabytes of heap,
   * which collecting its garbage only partly gives back (a 618-page book built again peaked at
   * 1.45–1.57 GiB with the workers collected, 1.26–1.30 GiB with them ended; a fresh worker
   * costs the next long book about a second of CPU).
   */
  async release(): Promise<void> {
    const idle = this.#workers.filter((slot) => slot.busy === 0);
    this.#workers = this.#workers.filter((slot) => slot.busy > 0);
    await Promise.all(idle.map((slot) => slot.worker.terminate()));
  }

  #pick(): { worker: Worker; busy: number } {
    const idle = this.#workers.find((slot) => slot.busy === 0);
    if (idle) return idle;
    if (this.#workers.length < this.#size) return this.#start();
    return this.#workers.reduce((least, slot) => (slot.busy < least.busy ? slot : least));
  }

  #start(): { worker: Worker; busy: number } {
    const worker = startWorker();
    const slot = { worker, busy: 0 };
    worker.unref();
    worker.on('message', (answer: PdfJobAnswer) => {
      const waiting = this.#pending.get(answer.id);
      if (!waiting) return;
      this.#pending.delete(answer.id);
      if ('error' in answer) waiting.reject(new Error(`PDF post-processing failed: ${answer.error}`));
      else waiting.resolve(answer.pages === undefined ? { pdf: answer.pdf } : { pdf: answer.pdf, pages: answer.pages });
    });
    const fail = (error: Error) => {
      this.#workers = this.#workers.filter((each) => each !== slot);
      for (const [id, waiting] of this.#pending) {
        if (waiting.worker !== worker) continue;
        this.#pending.delete(id);
        waiting.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a PDF worker stopped (exit code ${code})`)));
    this.#workers.push(slot);
    return slot;
  }
}

/**
 * The text layer allocates an object or two per glyph, nearly all short-lived. Semi-spaces of
 * 32 MB instead of V8's 16 (a 96 MB young generation) take a 150-page A4 handout's text layer
 * from 3.6–4.3 s to 2.4–3.3 s on a fresh worker, for 32 MB more memory per worker; 64 MB
 * semi-spaces gain nothing more.
 */
const WORKER_OPTIONS = { workerData: PDF_WORKER_DATA, resourceLimits: { maxYoungGenerationSizeMb: 96 } };

/**
 * The compiled CLI runs the compiled worker next to it. Run from TypeScript sources (tests,
 * benches), Node 20 cannot load a worker's TypeScript through tsx, so the worker runs the
 * compiled sources (bin/compile.js builds them when they changed).
 */
function startWorker(): Worker {
  if (typeof MUDRAN_PDF_WORKER === 'string') {
    return new Worker(new URL(MUDRAN_PDF_WORKER, import.meta.url), WORKER_OPTIONS);
  }
  const compile = new URL('../../bin/compile.js', import.meta.url).href;
  const code = `
    const { pathToFileURL } = require('node:url');
    import(${JSON.stringify(compile)})
      .then((compiler) => compiler.compiledEntry())
      .then((entry) => import(pathToFileURL(entry.replace(/cli-([^/]+)$/, 'pdf-worker-$1')).href));`;
  return new Worker(code, { ...WORKER_OPTIONS, eval: true });
}

export const pdfWorkers = new PdfWorkers();
