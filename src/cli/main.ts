// Entry point of the `commitment-watch` command.
import { config as loadDotenv } from 'dotenv';
import { processIo, runCli } from './run-cli.ts';

loadDotenv({ quiet: true });

process.exitCode = await runCli(process.argv.slice(2), { io: processIo });
