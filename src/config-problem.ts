// A problem with one configuration variable found at start (a bad value, a store that cannot be used, a
// feed list that does not load): reported in one line naming the variable, and the process exits 2.

/** The exit code for a configuration problem. */
export const EXIT_CONFIG = 2;

export class ConfigProblem extends Error {
  override name = 'ConfigProblem';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

/** Every problem at once, then exit 2 (no stack trace: the line says what to fix). */
export function exitWithConfigProblems(problems: string[], write: (text: string) => void = (t) => process.stderr.write(t)): never {
  write(`Configuration problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.\n`);
  process.exit(EXIT_CONFIG);
}
