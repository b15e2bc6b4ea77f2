import { PageSizes, PDFDocument, PDFName } from 'pdf-lib';

/**
 * The order in which a booklet's pages sit on its sheets, 1-based, 0 for a blank: sheet by
 * sheet, front (left, right) then back (left, right). Folded in the middle and stapled, the
 * stack reads 1, 2, 3 … again.
 */
export function bookletOrder(pageCount: number): number[] {
  const padded = Math.max(4, Math.ceil(pageCount / 4) * 4);
  const page = (n: number) => (n <= pageCount ? n : 0);
  const order: number[] = [];
  for (let sheet = 0; sheet < padded / 4; sheet += 1) {
    const outer = padded - 2 * sheet;
    const inner = 2 * sheet + 1;
    order.push(page(outer), page(inner), page(inner + 1), page(outer - 1));
  }
  return order;
}

/**
 * Imposes the book two-up on A4 landscape sheets in saddle-stitch order, for a double-sided
 * office print (flip on the short edge). Pages are embedded as vector forms, never rasterised,
 * scaled down only when the trim is larger than half a sheet.
 */
export async function imposeBooklet(bookPdf: Uint8Array): Promise<Uint8Array> {
  const book = await PDFDocument.load(bookPdf, { updateMetadata: false });
  // Links cannot work on an imposed sheet, and copying them would drag in every page they
  // point at.
  for (const page of book.getPages()) page.node.delete(PDFName.of('Annots'));
  const booklet = await PDFDocument.create({ updateMetadata: false });
  const order = bookletOrder(book.getPageCount());
  const used = [...new Set(order.filter((n) => n > 0))];
  const embedded = new Map(
    (await booklet.embedPages(used.map((n) => book.getPage(n - 1)))).map((page, index) => [used[index], page]),
  );
  const [height, width] = PageSizes.A4;
  for (let side = 0; side < order.length; side += 2) {
    const sheet = booklet.addPage([width, height]);
    order.slice(side, side + 2).forEach((n, slot) => {
      const page = embedded.get(n);
      if (!page) return;
      const scale = Math.min(1, width / 2 / page.width, height / page.height);
      const x = slot * (width / 2) + (width / 2 - page.width * scale) / 2;
      sheet.drawPage(page, { x, y: (height - page.height * scale) / 2, xScale: scale, yScale: scale });
    });
  }
  return booklet.save();
}
