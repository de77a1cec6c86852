import PDFKit from 'pdfkit';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { scrubPdf } from './scrub-pdf.js';

/** A two-page PDF as an office program writes one: the author's name in the document information. */
const pdfWithAuthor = (): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    const doc = new PDFKit({ info: { Author: 'Gesang Wangdui 13907771234', Title: 'Payslip of Gesang', Creator: 'WPS Office on GESANG-PC' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.text('Wages owed: 3 months');
    doc.addPage().text('Page two');
    doc.end();
  });

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('PDF scrubbing', () => {
  it('keeps the pages and drops the document information', async () => {
    const original = await pdfWithAuthor();
    expect(latin1(original)).toContain('Gesang Wangdui');
    const scrubbed = await scrubPdf(original);
    expect(scrubbed?.pageCount).toBe(2);
    const text = latin1(scrubbed?.content ?? new Uint8Array());
    for (const trace of ['Gesang', 'GESANG-PC', 'WPS Office', 'pdf-lib', '/Author', '/Producer']) expect(text).not.toContain(trace);
    const reread = await PDFDocument.load(scrubbed?.content ?? new Uint8Array());
    expect(reread.getPageCount()).toBe(2);
  });

  it('drops XMP metadata, an earlier revision\'s information and annotation authors', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    doc.setAuthor('Dorje Tsering');
    const xmp = doc.context.stream('<x:xmpmeta><dc:creator>Dorje Tsering</dc:creator></x:xmpmeta>', { Type: 'Metadata', Subtype: 'XML' });
    doc.catalog.set(PDFName.of('Metadata'), doc.context.register(xmp));
    // An unreferenced object (what an earlier revision of an edited file leaves behind).
    doc.context.register(doc.context.obj({ Author: PDFString.of('Old Author Name') }));
    const note = doc.context.obj({ Type: 'Annot', Subtype: 'Text', Rect: [10, 10, 20, 20], Contents: PDFString.of('see line 3'), T: PDFString.of('Dorje Tsering') });
    // A page's own XMP packet, an object of its own that the page refers to.
    page.node.set(PDFName.of('Metadata'), doc.context.register(doc.context.stream('<x:xmpmeta>page by Dorje Tsering</x:xmpmeta>', { Type: 'Metadata', Subtype: 'XML' })));
    page.node.set(PDFName.of('Annots'), doc.context.obj([doc.context.register(note)]));
    const original = await doc.save({ useObjectStreams: false });
    expect(latin1(original)).toContain('Old Author Name');

    const scrubbed = await scrubPdf(original);
    const text = latin1(scrubbed?.content ?? new Uint8Array());
    for (const trace of ['Dorje', 'Old Author Name', 'xmpmeta']) expect(text).not.toContain(trace);
    // The comment itself is part of the page: kept.
    const reread = await PDFDocument.load(scrubbed?.content ?? new Uint8Array());
    expect(reread.getPage(0).node.Annots()?.size()).toBe(1);
  });

  it('answers null for a file it cannot rebuild (broken, encrypted), so that it is kept as it came', async () => {
    expect(await scrubPdf(new TextEncoder().encode('%PDF-1.4\nnot really a pdf\n%%EOF\n'))).toBeNull();
    const encrypted = await new Promise<Uint8Array>((resolve, reject) => {
      const doc = new PDFKit({ userPassword: 'secret', ownerPassword: 'owner' });
      const chunks: Buffer[] = [];
      doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      doc.on('error', reject);
      doc.text('locked');
      doc.end();
    });
    expect(await scrubPdf(encrypted)).toBeNull();
  });
});
