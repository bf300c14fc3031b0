// `npm start`: the bot. Without DISCORD_TOKEN it runs in console mode.
// Exit codes: 0 stopped (SIGINT/SIGTERM), 1 an unexpected failure, 2 a configuration problem (the line
// names the variable), 3 Discord refused the bot (token rejected, or the gateway closed for good).
import { config as loadDotenv } from 'dotenv';
import { SeedError } from './app.ts';
import { systemClock } from './clock.ts';
import { ConfigProblem, EXIT_CONFIG, exitWithConfigProblems } from './config-problem.ts';
import { configOrExit } from './config.ts';
import { DiscordRefused, EXIT_DISCORD_REFUSED } from './discord/refused.ts';
import { chooseLogFormat, createLogger } from './log.ts';
import { startRuntime, type Runtime } from './runtime.ts';

loadDotenv({ quiet: true });
const config = configOrExit();
const logger = createLogger(config.logLevel, process.stderr, chooseLogFormat(config.logFormat, process.stderr.isTTY), config.discord ? [config.discord.token] : []);

// Signals are handled from the first moment: a stop asked for during start-up waits for it.
let runtime: Runtime | undefined;
let stopRequested: NodeJS.Signals | 'fatal' | undefined;
let exitCode = 0;
const stop = () => {
  (runtime?.stop() ?? Promise.resolve()).then(
    () => process.exit(exitCode),
    (error: unknown) => {
      logger.error({ err: error }, 'stopped with an error');
      process.exit(exitCode || 1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopRequested) return;
    stopRequested = signal;
    logger.info({ signal }, 'stopping');
    if (runtime) stop();
  });
}

// Discord refused the bot for good: one error line saying why and what to do, a clean stop, exit 3.
const onFatal = (problem: DiscordRefused) => {
  if (stopRequested === 'fatal') return;
  logger.error({ code: problem.code }, problem.message);
  exitCode = EXIT_DISCORD_REFUSED;
  const first = !stopRequested;
  stopRequested = 'fatal';
  if (runtime && first) stop();
};

try {
  runtime = await startRuntime({ config, clock: systemClock, logger, write: (line) => process.stdout.write(`${line}\n`), onFatal });
} catch (error) {
  if (error instanceof SeedError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (error instanceof ConfigProblem) exitWithConfigProblems([error.message]);
  if (error instanceof DiscordRefused) {
    onFatal(error);
    process.exit(EXIT_DISCORD_REFUSED);
  }
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
}
if (stopRequested) stop();
