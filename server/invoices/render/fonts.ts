/**
 * The Hangul-capable font the PDF embeds. pdfkit reads TTF/OTF only (not the woff/woff2 that the
 * @fontsource npm packages ship), so the default is Debian's `fonts-nanum`, installed on dev
 * machines and in CI by apt. `BILLWISE_PDF_FONT` (and optionally `BILLWISE_PDF_FONT_BOLD`)
 * point at another TTF/OTF; without a bold path, "<name>Bold.<ext>" next to it is tried and
 * then the regular face is reused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { create, type Font } from 'fontkit';
import { ServiceError } from '../../lib/errors';

export const DEFAULT_FONT_REGULAR = '/usr/share/fonts/truetype/nanum/NanumGothic.ttf';
export const DEFAULT_FONT_BOLD = '/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf';

export interface PdfFontPaths {
  regular: string;
  bold: string;
}

export function resolvePdfFonts(env: NodeJS.ProcessEnv = process.env): PdfFontPaths {
  const override = env.BILLWISE_PDF_FONT?.trim();
  const regular = override || DEFAULT_FONT_REGULAR;
  if (!existsSync(regular)) {
    throw new ServiceError(
      'INTERNAL',
      override
        ? `BILLWISE_PDF_FONT points at ${regular}, which does not exist`
        : `The invoice PDF needs a Hangul font and ${regular} is missing: install the Debian package ` +
            `fonts-nanum (apt-get install fonts-nanum) or set BILLWISE_PDF_FONT to a TTF/OTF file`,
    );
  }
  const boldOverride = env.BILLWISE_PDF_FONT_BOLD?.trim();
  if (boldOverride) {
    if (!existsSync(boldOverride)) {
      throw new ServiceError('INTERNAL', `BILLWISE_PDF_FONT_BOLD points at ${boldOverride}, which does not exist`);
    }
    return { regular, bold: boldOverride };
  }
  const sibling = regular.replace(/(\.(ttf|otf))$/i, 'Bold$1');
  return { regular, bold: sibling !== regular && existsSync(sibling) ? sibling : regular };
}

const cache = new Map<string, Font>();

/**
 * The parsed font, once per process. pdfkit would otherwise parse the file's tables again for
 * every document (about 0.3 s of CPU for NanumGothic, most of a small invoice's render); it takes
 * an already-parsed fontkit font as is, and each document still embeds its own subset.
 */
export function loadFont(path: string): Font {
  let font = cache.get(path);
  if (!font) {
    font = create(readFileSync(path));
    cache.set(path, font);
  }
  return font;
}

/**
 * Registers the regular and bold faces under the given names (pdfkit's types name paths and bytes
 * only, but it takes a parsed font as is: anything with `layout`).
 */
export function registerPdfFonts(pdf: PDFKit.PDFDocument, fonts: PdfFontPaths, names: { regular: string; bold: string }): void {
  pdf.registerFont(names.regular, loadFont(fonts.regular) as unknown as Uint8Array);
  pdf.registerFont(names.bold, loadFont(fonts.bold) as unknown as Uint8Array);
}
