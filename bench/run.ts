// `npm run bench`: every benchmark, each compared with its baseline within the same run (never in tests).
import { benchFeeds, printFeeds } from './feeds.ts';
import { benchSharedFeeds, printSharedFeeds } from './feeds-shared.ts';
import { benchMatchQuality, printMatchQuality } from './match-quality.ts';
import { benchIdleRss, printIdleRss } from './idle-rss.ts';
import { benchDiscordInteractions, printDiscordInteractions } from './discord-interactions.ts';
import { benchMatching, printMatching } from './matching.ts';
import { benchQueries, printQueries } from './queries.ts';
import { benchImport, printImport } from './import.ts';
import { benchWeb, printWeb } from './web.ts';
import { benchRateLimitBaseline, printRateLimitBaseline } from './rate-limit-baseline.ts';
import { benchFanout, printFanout } from './fanout.ts';

printQueries(await benchQueries());
printWeb(await benchWeb());
printMatching(benchMatching());
printMatchQuality(benchMatchQuality());
printFeeds(await benchFeeds());
printSharedFeeds(await benchSharedFeeds());
printImport(await benchImport());
printDiscordInteractions(await benchDiscordInteractions());
printRateLimitBaseline(await benchRateLimitBaseline());
printFanout(await benchFanout());
printIdleRss(await benchIdleRss());
