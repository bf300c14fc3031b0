import { readFileSync } from 'node:fs';
import { parliamentBills, parliamentQuestions, parliamentStatements, generic, recogniseKind } from '../monitors/index.ts';
const R = 'test/fixtures/feeds/real/';
const b = await parliamentBills.parse(readFileSync(R+'parliament-bills/allbills-2025-02-01-from-python-string.rss','utf8'), 'https://bills.parliament.uk/rss/allbills.rss');
if (b.ok) { console.log(b.value.warnings, b.value.items.length, b.value.title); console.log(b.value.items.slice(0,2), b.value.items.at(-1)); }
const q = await parliamentQuestions.parse(readFileSync(R+'parliament-questions/aws-samples-2024-list-questions.json','utf8'), 'https://questions-statements-api.parliament.uk/api/writtenquestions/questions?answeredWhenFrom=2024-01-01&take=20');
if (q.ok) { console.log(q.value.warnings, q.value.items.length); console.log(q.value.items.slice(0,1), q.value.items.filter(i=>i.updated).map(i=>[i.key,i.title,i.published,i.updated])); }
const s = await parliamentStatements.parse(readFileSync(R+'parliament-statements/clquestions-2021-02-01-statements-home-office.json','utf8'), 'https://questions-statements-api.parliament.uk/api/writtenstatements/statements?answeringBodies=1&madeWhenFrom=2021-02-01&madeWhenTo=2021-02-01');
console.log(JSON.stringify(s,null,1));
const d = parliamentQuestions.readDetail!(readFileSync(R+'parliament-questions/aws-samples-2024-single-question.json','utf8'));
console.log(d);
for (const f of ['parliament-bills/pages-bills-1285.rss','legislation/roddicki-listing-1110-2016-page1.xml','parliament-questions/aws-samples-2024-list-questions.json','parliament-statements/clquestions-2021-02-01-statements-member-4066.json', 'parliament-questions/aws-samples-2024-single-question.json'])
  console.log(f, recogniseKind(readFileSync(R+f,'utf8'), undefined, 'http://127.0.0.1:1/x'));
const g = await generic.parse(readFileSync(R+'parliament-bills/pages-bills-1285.rss','utf8'), 'http://127.0.0.1/x');
console.log(JSON.stringify(g));
