import epubGenMemory, { type Chapter, type Options } from 'epub-gen-memory';

/** A file the package does not make itself, written into the container as it is. */
export interface ExtraFile {
  path: string;
  data: Uint8Array | string;
}

/**
 * epub-gen-memory's EPub, made reproducible: every zip entry gets the same timestamp and the
 * package adds files it has no option for (the cover image, the fonts, Apple's display options).
 * `mimetype` stays the first entry, stored uncompressed, as the library writes it.
 */
class ReproducibleEpub extends epubGenMemory.EPub {
  /** The fonts are subsets made in memory: they come with the extra files, never fetched. */
  protected override async downloadAllFonts(): Promise<void> {}

  async pack(extraFiles: readonly ExtraFile[], date: Date): Promise<Uint8Array> {
    await this.render();
    for (const file of extraFiles) this.zip.file(file.path, file.data);
    for (const entry of Object.values(this.zip.files)) entry.date = date;
    return this.zip.generateAsync({
      type: 'uint8array',
      mimeType: 'application/epub+zip',
      compression: 'DEFLATE',
      compressionOptions: { level: 9 },
    });
  }
}

/**
 * Packs an EPUB; `date` is every zip entry's timestamp. `book` is handed to the templates
 * (the package passes unknown options and chapter fields through to them).
 */
export async function packEpub(
  options: Options & { book: object },
  documents: (Chapter & Record<string, unknown>)[],
  extraFiles: readonly ExtraFile[],
  date: Date,
): Promise<Uint8Array> {
  return new ReproducibleEpub(options, documents).pack(extraFiles, date);
}
