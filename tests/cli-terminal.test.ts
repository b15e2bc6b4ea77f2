import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onTerminal, tempDir } from './tools.ts';

describe('the command line on a terminal', () => {
  it('colours severities on a terminal, and not when NO_COLOR is set', async () => {
    const manuscript = path.join(await tempDir(), 'warned.md');
    await writeFile(manuscript, '---\ntitle: शीर्षक\ncolour: नीला\n---\n\nपाठ।\n');
    const coloured = await onTerminal(['check', manuscript]);
    expect(coloured).toContain(`${manuscript}:3:1: \u001b[33mwarning\u001b[0m: Unexpected front-matter field`);
    const plain = await onTerminal(['check', manuscript], { NO_COLOR: '1' });
    expect(plain).toContain(`${manuscript}:3:1: warning: Unexpected front-matter field`);
    expect(plain).not.toContain('\u001b[');
  });
});
