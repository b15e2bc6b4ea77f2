import type { VFile } from 'vfile';
import type { Output, StageTiming } from '../build/run.ts';

/** `FILE:LINE:COLUMN: error|warning: reason [rule-id]`, sorted by place, one per line. */
export function formatMessages(file: VFile, paint: (text: string, code: number) => string = (text) => text): string[] {
  return sortedMessages(file).map((message) => {
    const severity = message.fatal === true ? paint('error', 31) : paint('warning', 33);
    const rule = message.ruleId ? ` [${message.ruleId}]` : '';
    return `${visible(file.path)}:${message.line ?? 1}:${message.column ?? 1}: ${severity}: ${visible(message.reason)}${rule}`;
  });
}

/**
 * Text from a manuscript as it may go to a terminal: control characters (escape sequences that
 * clear the screen, newlines that would break the one-line form) shown as `\x1B`, `\n`.
 */
export function visible(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    const code = char.codePointAt(0) ?? 0;
    return code > 0xff
      ? `\\u${code.toString(16).toUpperCase()}`
      : `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  });
}

export function countMessages(files: readonly VFile[]): { errors: number; warnings: number } {
  const messages = files.flatMap((file) => file.messages);
  const errors = messages.filter((message) => message.fatal === true).length;
  return { errors, warnings: messages.length - errors };
}

export interface JsonReport {
  command: string;
  exitCode: number;
  outputs: (Output & { manuscript: string })[];
  messages: {
    file: string;
    line: number;
    column: number;
    severity: 'error' | 'warning';
    rule: string | null;
    reason: string;
  }[];
  timings: { stage: StageTiming['stage']; file: string | null; ms: number }[];
  totalMs: number;
}

/** The one machine-readable report `--json` prints on stdout. */
export function jsonReport(run: {
  command: string;
  exitCode: number;
  files: readonly VFile[];
  outputs: JsonReport['outputs'];
  timings: readonly StageTiming[];
  totalMs: number;
}): JsonReport {
  return {
    command: run.command,
    exitCode: run.exitCode,
    outputs: run.outputs,
    messages: run.files.flatMap((file) =>
      sortedMessages(file).map((message) => ({
        file: file.path,
        line: message.line ?? 1,
        column: message.column ?? 1,
        severity: message.fatal === true ? 'error' : 'warning',
        rule: message.ruleId ?? null,
        reason: message.reason,
      })),
    ),
    timings: run.timings.map((timing) => ({ stage: timing.stage, file: timing.file ?? null, ms: round(timing.ms) })),
    totalMs: round(run.totalMs),
  };
}

function sortedMessages(file: VFile): VFile['messages'] {
  return [...file.messages].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
