// `npm run bench`: every benchmark, each compared with its baseline within the same run (never in tests).
import { benchFeeds, printFeeds } from './feeds.ts';
import { benchIdleRss, printIdleRss } from './idle-rss.ts';
import { benchMatching, printMatching } from './matching.ts';
import { benchQueries, printQueries } from './queries.ts';

printQueries(await benchQueries());
printMatching(benchMatching());
printFeeds(await benchFeeds());
printIdleRss(await benchIdleRss());
