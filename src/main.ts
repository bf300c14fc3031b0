// `npm start`: the bot. Without DISCORD_TOKEN it runs in console mode.
import { config as loadDotenv } from 'dotenv';
import { SeedError } from './app.ts';
import { systemClock } from './clock.ts';
import { configOrExit } from './config.ts';
import { chooseLogFormat, createLogger } from './log.ts';
import { startRuntime, type Runtime } from './runtime.ts';

loadDotenv({ quiet: true });
const config = configOrExit();
const logger = createLogger(config.logLevel, process.stderr, chooseLogFormat(config.logFormat, process.stderr.isTTY));

// Signals are handled from the first moment: a stop asked for during start-up waits for it.
let runtime: Runtime | undefined;
let stopRequested: NodeJS.Signals | undefined;
const stop = (signal: NodeJS.Signals) => {
  logger.info({ signal }, 'stopping');
  (runtime?.stop() ?? Promise.resolve()).then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'stopped with an error');
      process.exit(1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopRequested) return;
    stopRequested = signal;
    if (runtime) stop(signal);
  });
}

try {
  runtime = await startRuntime({ config, clock: systemClock, logger, write: (line) => process.stdout.write(`${line}\n`) });
} catch (error) {
  if (error instanceof SeedError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
}
if (stopRequested) stop(stopRequested);
