import { parentPort, workerData } from 'node:worker_threads';
import { PDFDocument } from 'pdf-lib';
import { finishDocument, saveFinished, type PdfMade, type PdfMetadata } from './finish.ts';
import { addTextLayer, rewriteTextLayer } from './text-layer/index.ts';

/**
 * What a PDF worker does to a PDF (see pdf-workers.ts): add the text layer, finish it (metadata,
 * ids), or both on one parse of the document.
 */
export type PdfJob =
  | { kind: 'text-layer' }
  | { kind: 'finish'; metadata: PdfMetadata }
  | { kind: 'text-layer-finish'; metadata: PdfMetadata };

export interface PdfJobRequest {
  id: number;
  job: PdfJob;
  pdf: Uint8Array;
}

export type PdfJobAnswer = { id: number; pdf: Uint8Array; pages?: number } | { id: number; error: string };

export async function runPdfJob(job: PdfJob, pdf: Uint8Array): Promise<PdfMade> {
  if (job.kind === 'text-layer') return { pdf: await rewriteTextLayer(pdf) };
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  if (job.kind === 'text-layer-finish') addTextLayer(document);
  finishDocument(document, job.metadata);
  return saveFinished(document, job.metadata);
}

/** The `workerData` a PDF worker is started with (a test runner's own worker threads have other data). */
export const PDF_WORKER_DATA = 'mudran-pdf-worker';

// Started as a PDF worker: answer each request with the PDF made, or the reason it failed.
if (workerData === PDF_WORKER_DATA) listen();

function listen(): void {
  parentPort?.on('message', ({ id, job, pdf }: PdfJobRequest) => {
    runPdfJob(job, pdf).then(
      (made) => {
        parentPort?.postMessage({ id, ...made } satisfies PdfJobAnswer, [made.pdf.buffer as ArrayBuffer]);
      },
      (error: unknown) =>
        parentPort?.postMessage({
          id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies PdfJobAnswer),
    );
  });
}
