import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * The manuscript a book designer judges mudran by: nine chapters, images (one far wider than the
 * measure, one too coarse for print), a long table, a short one, footnotes, English runs with
 * digits, ₹ and `code`, a long URL, code blocks, an ordered list, emphasis, cross-references and
 * headings that land near page ends. Written into `folder` with its images; returns the
 * manuscript's path.
 */
export async function writeDesignerBook(folder: string, { notes }: { notes?: 'chapter' } = {}): Promise<string> {
  await mkdir(path.join(folder, 'images'), { recursive: true });
  // 2400 px at 300 ppi is 203 mm: wider than any measure, fitted with a warning.
  await writeFile(path.join(folder, 'images', 'wide.png'), png(2400, 600, 300));
  // 300 px across the 117 mm measure is 65 ppi: too coarse, a warning.
  await writeFile(path.join(folder, 'images', 'coarse.png'), png(300, 200));
  // 1800 px across the 154 mm of page and bleed: 297 ppi.
  await writeFile(path.join(folder, 'images', 'fields.png'), png(1800, 900, 300));
  // 1200 px at 300 ppi: 102 mm, within the measure and fine for print.
  await writeFile(path.join(folder, 'images', 'map.png'), png(1200, 800, 300));
  const file = path.join(folder, 'book.md');
  await writeFile(file, designerManuscript(notes));
  return file;
}

const SENTENCES = [
  'गाँव के किनारे बहने वाली नदी हर मौसम में अपना रंग बदलती है।',
  'गर्मियों में वह पतली धारा बनकर रेत के बीच से गुज़रती है, और बरसात आते ही उसका पानी खेतों की मेड़ों तक चढ़ आता है।',
  'बच्चे सुबह-सुबह उसके घाट पर नहाने जाते हैं और बूढ़े लोग शाम को वहीं बैठकर पुराने दिनों की बातें करते हैं।',
  'नदी के पार एक छोटा-सा बाज़ार लगता है, जहाँ आसपास के गाँवों से किसान अपनी उपज बेचने आते हैं।',
  'धान, गेहूँ, दालें और मौसमी सब्ज़ियाँ वहाँ बिकती हैं।',
  'व्यापारी सुबह जल्दी पहुँचते हैं ताकि अच्छा माल पहले खरीद सकें, और दोपहर तक बाज़ार की भीड़ धीरे-धीरे छँटने लगती है।',
  'स्कूल गाँव के बीचोंबीच है, और आँगन में लगे नीम के पेड़ की छाँव में पढ़ाई का आनंद ही कुछ और है।',
  'मेले के दिनों में पूरा गाँव रोशनी से जगमगा उठता है और दूर-दूर से लोग झूले, मिठाइयाँ और खिलौने देखने आते हैं।',
  'कुम्हार अपने बनाए बर्तन सजाते हैं, बुनकर रंग-बिरंगे कपड़े फैलाते हैं, और लोकगायक रात भर गीत गाते हैं।',
  'ऐसे औज़ारों और औषधियों की ऐतिहासिक कथाएँ बुज़ुर्ग ही सुनाते हैं।',
];

/** Words only the body's paragraphs hold (not notes, captions, tables or headings): a test finds body lines by them. */
export const BODY_WORDS = ['गर्मियों', 'व्यापारी', 'कुम्हार', 'बीचोंबीच', 'मौसमी', 'मेड़ों', 'जगमगा'];

const NOTES = ['यह बात पुराने अभिलेखों में दर्ज है।', 'जनगणना के आँकड़े इसकी पुष्टि करते हैं।', 'लेखक ने यह विवरण स्वयं देखकर लिखा था।'];

/** Latin, digits, ₹ and code in one line: the lines whose leading the designer measured. */
const MIXED = [
  'पिछले साल UNESCO की रिपोर्ट में 2025 के आँकड़े ₹ 1,250 करोड़ के बताए गए, और `npm ci` जैसी कमान का ज़िक्र भी था।',
  'The Hindu और BBC News ने इस पर लिखा, और IMF ने 3.5% की वृद्धि का अनुमान दिया।',
];

function paragraph(seed: number, length: number, mixed = false): string {
  const sentences: string[] = [];
  for (let index = 0; index < length; index++) {
    sentences.push(SENTENCES[(seed * 7 + index * 3) % SENTENCES.length]!);
    if (mixed && index % 2 === 1) sentences.push(MIXED[(seed + index) % MIXED.length]!);
  }
  return sentences.join(' ');
}

const CHAPTERS = [
  'नदी और घाट',
  'बाज़ार के रंग',
  'स्कूल की घंटी',
  'मेले की रात',
  'खेत और खलिहान',
  'औज़ार और ऐतिहासिक कथाएँ',
  'शहर की ओर जाती सड़क पर गाँव के लोगों की लंबी यात्रा, उसकी यादें और लौटने की उम्मीद',
  'बरसात',
  'लौटना',
];

function designerManuscript(notes: 'chapter' | undefined): string {
  const lines = [
    '---',
    'title: नदी किनारे का गाँव',
    'subtitle: नौ अध्यायों में एक गाँव की कहानी',
    'author: मुद्रण परीक्षण',
    'publisher: मुद्रण प्रकाशन',
    'date: 2026-11-28',
    'lang: hi',
    'digits: devanagari',
    'isbn: 978-0-306-40615-7',
    'edition: प्रथम संस्करण',
    'keywords: [गाँव, नदी, बाज़ार]',
    'rights: © २०२६ मुद्रण प्रकाशन',
    ...(notes ? [`notes: ${notes}`] : []),
    '---',
    '',
  ];
  let note = 0;
  CHAPTERS.forEach((title, chapter) => {
    lines.push(chapter === 6 ? `# ${title} {short="शहर की ओर"}` : `# ${title}`, '');
    for (let section = 0; section < 4; section++) {
      if (section > 0) lines.push(`## ${CHAPTERS[(chapter + section) % CHAPTERS.length]}: ${section}`, '');
      const paragraphs = 3 + ((chapter + section) % 3);
      for (let index = 0; index < paragraphs; index++) {
        let text = paragraph(chapter * 5 + section * 3 + index, 4 + ((index + section) % 4), index === 1);
        if (index === 0 && section % 2 === 0) text += `[^n${++note}]`;
        if (index === 2 && section === 1) text += ' इसमें *ज़ोर देकर* और **गाढ़े** शब्द भी हैं।';
        lines.push(text, '');
        // A long table right after the opening paragraph of a chapter.
        if (chapter === 4 && section === 0 && index === 0) lines.push(...longTable(), '');
      }
      if (chapter === 1 && section === 1) {
        lines.push(paragraph(3, 2), '', '![नदी का चौड़ा दृश्य](images/wide.png "नदी का चौड़ा दृश्य")', '');
      }
      if (chapter === 2 && section === 2) lines.push('![गाँव का नक्शा](images/map.png "गाँव का नक्शा")', '');
      // A photograph across the whole page, into the press file's bleed.
      if (chapter === 5 && section === 0) lines.push('![खेतों का विस्तार](images/fields.png "खेतों का विस्तार"){.bleed}', '');
      if (chapter === 3 && section === 1) lines.push('![पुरानी तस्वीर](images/coarse.png)', '');
      if (chapter === 5 && section === 2) lines.push(...shortTable(), '');
      if (chapter === 6 && section === 1) {
        lines.push(
          'पूरा दस्तावेज़ https://example.org/reports/2026/rural-markets/hindi-belt/village-economy-and-river-trade-full-report.pdf पर है।',
          '',
          '```',
          '# पुस्तक बनाएँ',
          'mudran build manuscript/book.md --format pdf --out dist/very/long/folder/name/for/the/book',
          '```',
          '',
        );
      }
      // Headings with marks above the headline after paragraphs of every length: some land at a page's foot.
      if (chapter === 7 && section === 3) {
        for (let index = 0; index < 16; index++) {
          lines.push(`### ${['ऐतिहासिक', 'औषधीय', 'किनारे की'][index % 3]} कथा ${index + 1}`, '');
          lines.push(paragraph(index, 3 + (index % 7)), '');
        }
      }
      if (chapter === 7 && section === 0) {
        lines.push(
          '1. पहला क़दम',
          '2. दूसरा क़दम',
          '3. तीसरा क़दम',
          '4. चौथा क़दम',
          '',
          `नक्शा [गाँव का नक्शा](#figure-2) में और [मेले की रात](#मेले-की-रात) में है।`,
          '',
        );
      }
    }
  });
  lines.push('');
  for (let index = 1; index <= note; index++) {
    const text = NOTES.slice(0, 1 + (index % 3)).join(' ');
    lines.push(`[^n${index}]: टिप्पणी ${index}: ${text}`);
  }
  lines.push('');
  return lines.join('\n');
}

function longTable(): string[] {
  const rows = ['| वर्ष | फ़सल | उपज (क्विंटल) | भाव (₹) |', '| --- | --- | ---: | ---: |'];
  for (let row = 0; row < 40; row++) {
    rows.push(`| ${1960 + row} | ${['धान', 'गेहूँ', 'दालें', 'सरसों'][row % 4]} | ${120 + row * 7} | ${2500 + row * 35} |`);
  }
  return rows;
}

function shortTable(): string[] {
  return ['| औज़ार | काम |', '| --- | --- |', '| हल | जुताई |', '| हँसिया | कटाई |', '| कुदाल | खुदाई |'];
}

/** An RGB PNG of a gradient, with its resolution in a pHYs chunk when `ppi` is given. */
export function png(width: number, height: number, ppi?: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = 160;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const chunks = [chunk('IHDR', header)];
  if (ppi) {
    const density = Buffer.alloc(9);
    const perMetre = Math.round(ppi / 0.0254);
    density.writeUInt32BE(perMetre, 0);
    density.writeUInt32BE(perMetre, 4);
    density[8] = 1;
    chunks.push(chunk('pHYs', density));
  }
  chunks.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
