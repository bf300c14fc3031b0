// Whether the terminal front end paints its output, decided from the environment and stream this run was
// given — not from the process's own — so a pipe, a test or a CI log gets plain text unless asked.
import picocolors from 'picocolors';

export type Colours = ReturnType<typeof picocolors.createColors>;

/** NO_COLOR (any value) turns colour off; FORCE_COLOR (other than 0) turns it on; otherwise only a terminal gets it. */
export function coloursFor(env: NodeJS.ProcessEnv, isTTY: boolean): Colours {
  if (env.NO_COLOR) return picocolors.createColors(false);
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return picocolors.createColors(true);
  return picocolors.createColors(isTTY && env.TERM !== 'dumb');
}
