import { loadBodyStack } from './src/fonts/stack.ts';
import { shapeWithFontkit } from './src/fonts/shape.ts';
const fonts = await loadBodyStack();
const chars: string[] = [];
for (let c = 0x900; c <= 0x97f; c++) chars.push(String.fromCodePoint(c));
const out: string[] = [];
for (const a of ['क','अ','०', ...chars]) for (const b of chars) for (const w of [a + b, 'क' + a + b]) {
  try { shapeWithFontkit(fonts[0]!, w) } catch { out.push(w) }
}
console.log(out.length, out.slice(0, 20).map(w => [...w].map(c => c.codePointAt(0)!.toString(16)).join(' ')));
