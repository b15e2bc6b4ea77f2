import { DEFAULT_FORMATS, FORMATS } from '../model/formats.ts';

/** `--help` in Hindi (`MUDRAN_LANG=hi`, or a Hindi locale). Commands, options and rule ids stay as typed. */
export const HELP_HI = `mudran: हिंदी Markdown पांडुलिपियों से EPUB और छपाई के लिए तैयार PDF बनाता है

प्रयोग:
  mudran build [FILE.md…] [--out DIR] [--format LIST] [--watch] [--json] [--quiet]
  mudran check [FILE.md…] [--json] [--quiet]
  mudran preview [FILE.md] [--port N]
  mudran new NAME [--title TEXT] [--out DIR]
  mudran import FILE.txt [--title TEXT] [--name NAME] [--out DIR]
  mudran server start|stop|status
  mudran --help | --version

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
