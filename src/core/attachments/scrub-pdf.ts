import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';

/**
 * A PDF as its pages alone, without what its software wrote about who made it. Office programs put the
 * author's login name (often their real name) in the document information and in XMP metadata; a requester's
 * payslip or a protected reporter's letter would name them to every unit that opens the file. As photos are
 * re-encoded (reencode-image.ts), a PDF is rebuilt: its pages are copied into a new document, which takes only
 * what the pages use (content, fonts, images, annotations) and leaves behind the document information, XMP
 * metadata, outlines, form definitions, attached files, scripts and every object no page refers to (earlier
 * revisions of an edited file among them).
 *
 * A PDF that cannot be rebuilt (encrypted, or broken beyond what the parser repairs) is kept as it came:
 * refusing it would refuse evidence, and the row says it was not rebuilt (`isReencoded: false`).
 */
export type ScrubbedPdf = { content: Uint8Array; pageCount: number };

/** Keys of a page that describe its making rather than show anything. */
const PAGE_KEYS_DROPPED = ['Metadata', 'PieceInfo', 'LastModified'] as const;

export const scrubPdf = async (bytes: Uint8Array): Promise<ScrubbedPdf | null> => {
  try {
    return await rebuild(bytes);
  } catch {
    // The parser's errors on a broken or encrypted file are many kinds of exception: all mean "as it came".
    return null;
  }
};

const rebuild = async (bytes: Uint8Array): Promise<ScrubbedPdf | null> => {
  const source = await PDFDocument.load(bytes, { updateMetadata: false });
  const pageCount = source.getPageCount();
  if (pageCount === 0) return null;
  // Dropped from the source pages before copying: a copy takes every object a page refers to, so a key deleted
  // from the copy would leave its object behind in the new file, unreferenced but written.
  for (const page of source.getPages()) {
    for (const key of PAGE_KEYS_DROPPED) page.node.delete(PDFName.of(key));
    // Comments and highlights keep their text; their author (/T) and timestamps are dropped.
    const annotations = page.node.Annots();
    for (let i = 0; annotations && i < annotations.size(); i += 1) {
      const annotation = annotations.lookup(i);
      if (annotation instanceof PDFDict) {
        for (const key of ['T', 'M', 'CreationDate']) annotation.delete(PDFName.of(key));
      }
    }
  }
  // No document information at all, not even pdf-lib's own producer line and dates.
  const target = await PDFDocument.create({ updateMetadata: false });
  for (const page of await target.copyPages(source, source.getPageIndices())) target.addPage(page);
  const content = await target.save({ updateFieldAppearances: false });
  return { content, pageCount };
};
