import { describe, expect, it } from 'vitest';
import { commonMarkExamples, runSpecExamples } from './spec-examples.ts';
import { tempDir } from './tools.ts';

// Issue 21 item 9: every example of the CommonMark spec (npm `commonmark-spec`) as a manuscript.
describe('the CommonMark spec examples', () => {
  it('check without a crash or an unplaced message; every EPUB built is valid and holds every word', async () => {
    const examples = await commonMarkExamples();
    const report = await runSpecExamples(examples, await tempDir('mudran-spec-'));
    expect(report.examples).toBe(652);
    expect(report.crashes).toEqual([]);
    expect(report.unplaced).toEqual([]);
    expect(Object.fromEntries(report.invalid)).toEqual({});
    expect(Object.fromEntries(report.lostWords)).toEqual({});
    // Errors only for what a book cannot hold: images not in the folder.
    expect(report.built + report.withErrors.length).toBe(652);
    expect(report.withErrors.length).toBeLessThan(30);
  });
});
