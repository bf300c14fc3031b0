// `npm run bench`: every benchmark, each compared within the same run (never in tests).
import { benchQueries, printQueries } from './queries.ts';

printQueries(await benchQueries());
