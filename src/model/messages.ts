import type { Point, Position } from 'unist';
import type { VFile } from 'vfile';

export interface Report {
  place: Point | Position | undefined;
  ruleId: string;
}

/** A problem that stops the build: the manuscript must be fixed. */
export function reportError(file: VFile, reason: string, report: Report): void {
  const message = file.message(reason, { place: report.place, ruleId: report.ruleId, source: 'mudran' });
  message.fatal = true;
}

/** A problem worth fixing that does not stop the build. */
export function reportWarning(file: VFile, reason: string, report: Report): void {
  const message = file.message(reason, { place: report.place, ruleId: report.ruleId, source: 'mudran' });
  message.fatal = false;
}

export function hasErrors(file: VFile): boolean {
  return file.messages.some((message) => message.fatal === true);
}
