import { parentPort, workerData } from 'node:worker_threads';
import { finishPdf, type PdfMetadata } from './pdf-post.ts';
import { rewriteTextLayer } from './pdf-text-layer.ts';

/** What a PDF worker does to a PDF (see pdf-workers.ts). */
export type PdfJob = { kind: 'text-layer' } | { kind: 'finish'; metadata: PdfMetadata };

export interface PdfJobRequest {
  id: number;
  job: PdfJob;
  pdf: Uint8Array;
}

export type PdfJobAnswer = { id: number; pdf: Uint8Array } | { id: number; error: string };

export function runPdfJob(job: PdfJob, pdf: Uint8Array): Promise<Uint8Array> {
  return job.kind === 'text-layer' ? rewriteTextLayer(pdf) : finishPdf(pdf, job.metadata);
}

/** The `workerData` a PDF worker is started with (a test runner's own worker threads have other data). */
export const PDF_WORKER_DATA = 'mudran-pdf-worker';

// Started as a PDF worker: answer each request with the PDF made, or the reason it failed.
if (workerData === PDF_WORKER_DATA) listen();

function listen(): void {
  parentPort?.on('message', ({ id, job, pdf }: PdfJobRequest) => {
    runPdfJob(job, pdf).then(
      (made) => parentPort?.postMessage({ id, pdf: made } satisfies PdfJobAnswer, [made.buffer as ArrayBuffer]),
      (error: unknown) =>
        parentPort?.postMessage({
          id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies PdfJobAnswer),
    );
  });
}
