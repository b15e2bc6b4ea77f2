import type { VFile } from 'vfile';

/** `FILE:LINE:COLUMN: error|warning: reason [rule-id]`, sorted by place, one per line. */
export function formatMessages(file: VFile): string[] {
  return [...file.messages]
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    .map((message) => {
      const severity = message.fatal === true ? 'error' : 'warning';
      const rule = message.ruleId ? ` [${message.ruleId}]` : '';
      return `${file.path}:${message.line ?? 1}:${message.column ?? 1}: ${severity}: ${message.reason}${rule}`;
    });
}

export function countMessages(files: readonly VFile[]): { errors: number; warnings: number } {
  const messages = files.flatMap((file) => file.messages);
  const errors = messages.filter((message) => message.fatal === true).length;
  return { errors, warnings: messages.length - errors };
}
