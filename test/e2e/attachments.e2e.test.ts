import jpeg from 'jpeg-js';
import type { FileChooser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasBrowser, useE2e } from '../helpers/e2e.js';

/**
 * A requester attaches a photo on the public form with the keyboard only: the photo arrives, re-encoded (its EXIF
 * block gone), and a web page renamed .jpg is refused with a message in the reader's language.
 */

const photoWithExif = (): Buffer => {
  const data = Buffer.alloc(40 * 30 * 4, 180);
  const plain = jpeg.encode({ data, width: 40, height: 30 }, 90).data;
  const exif = Buffer.concat([Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0', 'latin1')]);
  const head = Buffer.from([0xff, 0xe1, 0, exif.length + 2]);
  return Buffer.concat([plain.subarray(0, 2), head, exif, plain.subarray(2)]);
};

const e2e = useE2e();

describe.skipIf(!hasBrowser)('attachments in the browser', () => {
  it('the public form takes a photo chosen with the keyboard and refuses a disguised web page', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${e2e.server.url}/#/submit`);
    await page.getByTestId('lang-en').click();
    await page.getByTestId('submit-kind-complaint').click();
    await page.getByTestId('submit-title').fill('Broken street light');
    await page.getByTestId('submit-description').fill('The light at the gate has been out for a month.');
    await page.getByTestId('submit-phone').fill('13912345679');
    await page.getByTestId('submit-consent-granted').click();

    // The "choose files" button is reached and pressed with the keyboard; the file chooser opens.
    await page.getByTestId('submit-files-choose').focus();
    await expect.poll(() => page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe('submit-files-choose');
    // On a busy machine the first key press can be lost to a re-render; a person would press again.
    const openChooser = async (): Promise<FileChooser> => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const [opened] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10_000 }), page.keyboard.press('Enter')]);
          return opened;
        } catch (error) {
          if (attempt >= 3) throw error;
          await page.getByTestId('submit-files-choose').focus();
        }
      }
    };
    const chooser = await openChooser();
    await chooser.setFiles([
      { name: 'street.jpg', mimeType: 'image/jpeg', buffer: photoWithExif() },
      { name: 'evil.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html><script>alert(1)</script></html>') },
    ]);
    await expect.poll(() => page.getByTestId('submit-files-item').count()).toBe(2);
    await expect.poll(() => page.locator('.attachments-thumb[src^="data:image/jpeg"]').count()).toBe(2);

    await page.getByTestId('submit-submit').click();
    await page.getByTestId('submit-success').waitFor();
    const summary = await page.getByTestId('submit-files-summary').textContent();
    expect(summary).toBe('1 of 2 files uploaded.');
    expect(await page.getByTestId('submit-success').textContent()).toContain('evil.jpg: This kind of file is not accepted.');

    const rows = await e2e.server.database.db.selectFrom('case_attachments').select(['file_name', 'uploader_kind', 'content', 'is_reencoded']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ file_name: 'street.jpg', uploader_kind: 'requester', is_reencoded: true });
    expect(rows[0]?.content?.includes(Buffer.from('Exif'))).toBe(false);
    await context.close();
  });
});
