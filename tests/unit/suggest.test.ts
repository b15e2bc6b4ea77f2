import { describe, expect, it } from 'vitest';
import { closestName } from '../../src/model/suggest.ts';

describe('did you mean', () => {
  it('finds the known name a typo is closest to, within two edits (one for short names)', () => {
    expect(closestName('auther', ['title', 'author', 'publisher'])).toBe('author');
    expect(closestName('fromat', ['format', 'out', 'watch'])).toBe('format');
    expect(closestName('buidl', ['build', 'check', 'preview'])).toBe('build');
    expect(closestName('Titel', ['title', 'subtitle'])).toBe('title');
    expect(closestName('colour', ['title', 'author', 'cover'])).toBeUndefined();
    expect(closestName('ot', ['out', 'port'])).toBe('out');
    expect(closestName('xyz', ['out'])).toBeUndefined();
  });
});
