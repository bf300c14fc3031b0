// What every CLI command module gets from run-cli.ts; its own module so the command modules and
// run-cli.ts do not import each other.
import type { App } from '../app.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Colours } from './colours.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether `out` is a terminal (colour is for terminals only). */
  isTTY?: boolean;
}

/** What each CLI command module's register…Command(program, ctx) gets; run-cli.ts builds it and calls them. */
export interface CliContext {
  io: Io;
  /** The palette for readable output: plain unless `out` is a terminal or FORCE_COLOR asks. */
  pc: Colours;
  /** Opens the register (store migrated, seeds applied) once, on first use. */
  app(): Promise<App>;
  config: Config;
  clock: Clock;
  /** The seed folder the CLI was given (tests), when not the configured one. */
  seedsDir?: string | undefined;
  fail(message: string): never;
}
