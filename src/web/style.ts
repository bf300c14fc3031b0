// The tracker's one stylesheet, served as /style.css (the CSP allows styles from the site itself only).
// Status colours come from status.ts, so the page, the badges and the chart agree.
import { STATUSES } from '../domain.ts';
import { STATUS_STYLE } from './status.ts';

const statusRules = STATUSES.map((s) => `.status-${s}{background:${STATUS_STYLE[s].colour}}`).join('\n');

export const STYLESHEET = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1a1a1a;background:#fafafa}
a{color:#0b4fb3}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:1}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
main{overflow-wrap:anywhere}
header{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem;border-bottom:1px solid #ddd;padding-top:.75rem;padding-bottom:.5rem}
.site{margin:0;font-weight:700;font-size:1.15rem}.site a{color:inherit;text-decoration:none}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
h1{font-size:1.6rem;line-height:1.25;margin:1.25rem 0 .5rem}h2{font-size:1.3rem;margin:1.75rem 0 .5rem}h3{font-size:1.05rem;margin:0 0 .25rem}
figure{margin:0}svg{max-width:100%;height:auto;display:block}
.counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.status{display:inline-block;color:#fff;border-radius:.3rem;padding:0 .45rem;font-size:.9rem;font-weight:600;white-space:nowrap}
${statusRules}
.overdue{color:#b91c1c;font-weight:700}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.5rem 1rem;align-items:end;background:#fff;border:1px solid #ddd;border-radius:.4rem;padding:.75rem}
form.filters label{display:block;font-weight:600;font-size:.9rem}
input,select,button{font:inherit;width:100%;padding:.35rem .4rem;border:1px solid #888;border-radius:.3rem;background:#fff;min-height:2.5rem}
button{background:#0b4fb3;color:#fff;border-color:#0b4fb3;font-weight:600;cursor:pointer}
ol.commitments{list-style:none;padding:0;margin:0}
ol.commitments li{background:#fff;border:1px solid #ddd;border-radius:.4rem;padding:.6rem .75rem;margin:.5rem 0}
.meta{margin:0;color:#444;font-size:.92rem}.meta>*+*::before{content:" · ";color:#888}
.id{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85rem;color:#555;overflow-wrap:anywhere}
blockquote{margin:.5rem 0;padding:.5rem .9rem;border-left:4px solid #0b4fb3;background:#fff}
dl.facts{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.3rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
ol.timeline,ul.evidence{padding-left:1.2rem}ol.timeline li,ul.evidence li{margin:.4rem 0 .9rem}
.pager{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1rem 0}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}
.table-wrap{overflow-x:auto}
footer{border-top:1px solid #ddd;margin-top:2rem;padding-top:.75rem;padding-bottom:2rem;color:#555;font-size:.9rem}
@media (max-width:30rem){h1{font-size:1.35rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}}
`;
