// `npm run bench`: every benchmark, each compared with its baseline within the same run (never in tests).
import { benchFeeds, printFeeds } from './feeds.ts';
import { benchMatching, printMatching } from './matching.ts';
import { benchQueries, printQueries } from './queries.ts';
import { benchWeb, printWeb } from './web.ts';

printQueries(await benchQueries());
printWeb(await benchWeb());
printMatching(await benchMatching());
printFeeds(await benchFeeds());
