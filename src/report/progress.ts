import type { Output, StageTiming } from '../build/run.ts';
import type { Environment } from '../model/environment.ts';
import type { OutputStream } from '../model/run.ts';

export interface ProgressOptions {
  /** Only messages and the summary: no stage lines, no live status. */
  quiet: boolean;
  /** Colours on (see wantsColour). */
  colour: boolean;
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColour(stream: OutputStream, env: Environment): boolean {
  return stream.isTTY === true && !env['NO_COLOR'];
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * What a run tells its author on stderr: one line per finished stage with its time and,
 * on a terminal, a live status line (spinner, outputs done, elapsed) while work remains.
 * In CI (no TTY) only the stage lines appear; with --quiet none do.
 */
export class Progress {
  readonly colour: boolean;
  private readonly live: boolean;
  private readonly started = performance.now();
  private readonly renderMs = new Map<string, number>();
  private done = 0;
  private total = 0;
  private tick = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OutputStream,
    private readonly options: ProgressOptions,
  ) {
    this.colour = options.colour;
    this.live = stream.isTTY === true && !options.quiet;
  }

  /** Starts the live status line for `total` outputs (terminal only). */
  expect(total: number): void {
    this.total = total;
    if (!this.live || total === 0) return;
    this.timer = setInterval(() => this.redraw(), 100);
    this.timer.unref();
    this.redraw();
  }

  stage(timing: StageTiming): void {
    if (timing.stage !== 'check' && timing.stage !== 'browser') {
      this.renderMs.set(`${timing.file ?? ''}\0${timing.stage}`, timing.ms);
      return;
    }
    const what = timing.stage === 'check' ? `checked ${timing.file ?? ''}` : 'started the browser';
    this.line(`${what} ${this.dim(`in ${seconds(timing.ms)}`)}`);
  }

  output(output: Output, manuscript: string): void {
    this.done++;
    const ms = this.renderMs.get(`${manuscript}\0${output.format}`);
    const pages = output.pages === undefined ? '' : `, ${output.pages} page${output.pages === 1 ? '' : 's'}`;
    const took = ms === undefined ? '' : ` ${this.dim(`in ${seconds(ms)}`)}`;
    this.line(`wrote ${output.path} (${formatBytes(output.bytes)}${pages})${took}`);
  }

  /** A line that is always shown (messages, the summary), even with --quiet. */
  say(text: string): void {
    this.clear();
    this.stream.write(`${text}\n`);
    this.redraw();
  }

  /** Stops the live line; the last stage line stays. */
  finish(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  paint(text: string, code: number): string {
    return this.colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  private dim(text: string): string {
    return this.paint(text, 2);
  }

  private line(text: string): void {
    if (!this.options.quiet) this.say(text);
  }

  private clear(): void {
    if (this.timer) this.stream.write('\r\u001b[K');
  }

  private redraw(): void {
    if (!this.timer) return;
    this.tick++;
    const elapsed = seconds(performance.now() - this.started);
    const frame = SPINNER[this.tick % SPINNER.length] ?? '';
    this.stream.write(`\r\u001b[K${frame} ${this.done}/${this.total} outputs · ${elapsed}`);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
