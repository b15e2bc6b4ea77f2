import { DEFAULT_FORMATS, FORMATS } from '../model/formats.ts';

/** The usage lines, the same in every language: commands and options are typed as they are. */
export const USAGE = `  mudran build [FILE.md…] [--out DIR] [--format LIST] [--watch] [--json] [--quiet]
  mudran check [FILE.md…] [--json] [--quiet]
  mudran preview [FILE.md] [--port N]
  mudran new NAME [--title TEXT] [--out DIR]
  mudran import FILE.txt [--title TEXT] [--name NAME] [--out DIR]
  mudran server start|stop|status
  mudran --help | --version
`;

/** `--help` in English, the default. */
export const HELP = `mudran: publish Hindi Markdown manuscripts as EPUB and print-ready PDF

Usage:
${USAGE}
Commands:
  build    check each manuscript, then write its outputs into the output folder:
             NAME.epub          EPUB 3 for e-readers (fonts embedded)
             NAME.pdf           the A5 book
             NAME-handout.pdf   the A4 handout for office printers
           A manuscript with errors writes nothing.
  check    run every check without rendering and print the messages
  preview  serve the book as it prints on http://127.0.0.1:PORT/, reloading the page
           when the manuscript, a template or a font changes; messages show in the page
  new      write manuscript/NAME.md with its front matter filled in
  import   turn a plain-text article into manuscript/NAME.md: share-button lines are
           dropped, short standalone lines become headings
  server   the build server: build and check hand their work to a background
           process that keeps Chromium and the loaded fonts between runs (started
           by the first build; it ends after 15 idle minutes or on 'server stop').
           MUDRAN_SERVER=0 builds in the command itself; CI does by default.

With no FILE, every manuscript/*.md under the current folder is used.
An optional mudran.config.json in the current folder sets defaults, e.g.
  {"out": "dist", "formats": ["epub", "pdf"], "defaults": {"publisher": "…", "lang": "hi"}}
("defaults" takes any front-matter field; the manuscript's own value wins).

Options:
  -o, --out DIR        output folder (default: dist; manuscript for new and import)
  -f, --format LIST    comma-separated outputs among ${FORMATS.join(', ')}
                       (default: ${DEFAULT_FORMATS.join(',')})
  -w, --watch          build, then rebuild what each saved change touches
  -p, --port N         preview port (default: 4300; 0 picks a free one)
  -t, --title TEXT     the title for new and import
  -n, --name NAME      the manuscript's name for import (default: the file's)
      --json           print one JSON report on stdout (outputs, messages, timings)
  -q, --quiet          print only messages, no progress
      --debug          show the stack trace of an unexpected failure
  -h, --help           show this help
  -v, --version        show the version

Progress goes to stderr, coloured on a terminal unless NO_COLOR is set.
Messages read FILE:LINE:COLUMN: error|warning: reason [rule-id].
Exit codes: 0 done (warnings allowed), 1 a manuscript or the config file has errors,
2 usage or environment (no browser, unreadable path).
`;

/** `--help` in Hindi (`MUDRAN_LANG=hi`, or a Hindi locale). Commands, options and rule ids stay as typed. */
export const HELP_HI = `mudran: हिंदी Markdown पांडुलिपियों से EPUB और छपाई के लिए तैयार PDF बनाता है

प्रयोग:
${USAGE}
आदेश:
  build    हर पांडुलिपि जाँचता है, फिर उसके आउटपुट आउटपुट-फ़ोल्डर में लिखता है:
             NAME.epub          ई-रीडरों के लिए EPUB 3 (फ़ॉन्ट साथ में)
             NAME.pdf           A5 पुस्तक
             NAME-handout.pdf   दफ़्तर के प्रिंटरों के लिए A4 हैंडआउट
           जिस पांडुलिपि में त्रुटियाँ हों, उसका कुछ नहीं लिखा जाता।
  check    बिना कुछ बनाए सारी जाँचें चलाता है और संदेश छापता है
  preview  पुस्तक को छपाई जैसी http://127.0.0.1:PORT/ पर दिखाता है; पांडुलिपि,
           टेम्पलेट या फ़ॉन्ट बदलने पर पन्ना फिर से लोड होता है; संदेश पन्ने में दिखते हैं
  new      manuscript/NAME.md लिखता है, फ़्रंट मैटर भरा हुआ
  import   सादे पाठ के लेख को manuscript/NAME.md बनाता है: शेयर-बटन की पंक्तियाँ
           हटती हैं, छोटी अकेली पंक्तियाँ शीर्षक बनती हैं
  server   बिल्ड सर्वर: build और check अपना काम एक पृष्ठभूमि प्रक्रिया को देते हैं,
           जो Chromium और लोड किए फ़ॉन्ट दो रनों के बीच रखती है (पहला build इसे
           शुरू करता है; 15 मिनट खाली रहने पर या 'server stop' पर यह बंद होती है)।
           MUDRAN_SERVER=0 से build आदेश के भीतर ही चलता है; CI में यही होता है।

FILE न देने पर वर्तमान फ़ोल्डर की हर manuscript/*.md ली जाती है।
वर्तमान फ़ोल्डर की mudran.config.json (वैकल्पिक) डिफ़ॉल्ट तय करती है, जैसे
  {"out": "dist", "formats": ["epub", "pdf"], "defaults": {"publisher": "…", "lang": "hi"}}
("defaults" में फ़्रंट मैटर का कोई भी फ़ील्ड; पांडुलिपि का अपना मान ही चलता है)।

विकल्प:
  -o, --out DIR        आउटपुट फ़ोल्डर (डिफ़ॉल्ट: dist; new और import के लिए manuscript)
  -f, --format LIST    अल्पविराम से अलग आउटपुट, इनमें से: ${FORMATS.join(', ')}
                       (डिफ़ॉल्ट: ${DEFAULT_FORMATS.join(',')})
  -w, --watch          बनाओ, फिर हर सहेजे गए बदलाव से जुड़ा भाग फिर बनाओ
  -p, --port N         preview का पोर्ट (डिफ़ॉल्ट: 4300; 0 हो तो कोई खाली पोर्ट)
  -t, --title TEXT     new और import के लिए शीर्षक
  -n, --name NAME      import के लिए पांडुलिपि का नाम (डिफ़ॉल्ट: फ़ाइल का नाम)
      --json           stdout पर एक JSON रिपोर्ट (आउटपुट, संदेश, समय)
  -q, --quiet          केवल संदेश, प्रगति नहीं
      --debug          अनपेक्षित विफलता का stack trace दिखाओ
  -h, --help           यह सहायता
  -v, --version        संस्करण

प्रगति stderr पर जाती है, टर्मिनल पर रंगीन (जब तक NO_COLOR न हो)।
संदेश इस रूप में: FILE:LINE:COLUMN: error|warning: कारण [rule-id]।
निकास कोड: 0 पूरा (चेतावनियाँ चल सकती हैं), 1 पांडुलिपि या config फ़ाइल में त्रुटियाँ,
2 प्रयोग या वातावरण की भूल (ब्राउज़र नहीं, पथ पढ़ा नहीं जा सका)।
`;

/** Whether the run's user reads mudran in Hindi: `MUDRAN_LANG=hi`, else a Hindi locale (`hi_IN.UTF-8`). */
export function wantsHindi(env: Readonly<Record<string, string | undefined>>): boolean {
  const chosen = env['MUDRAN_LANG'] ?? env['LC_ALL'] ?? env['LC_MESSAGES'] ?? env['LANG'] ?? '';
  return /^hi(?:[_-]|$|\.)/i.test(chosen);
}
