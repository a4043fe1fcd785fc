/** System fonts only: the page makes no request. Colours meet WCAG AA contrast on white. */
export const STYLES = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--err:#b3261e;--warn:#8a5300;--info:#0b5cad;--mark:#fff1b8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:16px 24px 8px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:14px;margin:0}
header p{margin:0;color:var(--muted)}nav a{margin-right:12px}nav{margin-top:8px}
main{padding:0 24px 40px;max-width:1280px}
a{color:#0a58b5}code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:150px}
.card .big{display:block;font-size:28px;font-weight:600}.lead{color:var(--muted);margin-top:0}
.pair,.grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
table{border-collapse:collapse;margin:8px 0}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:3px 10px;text-align:left;vertical-align:top}.n{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:var(--soft)}.subject{color:var(--muted)}.note{color:var(--muted);margin:4px 0}
svg.chart{max-width:100%;height:auto;font-family:inherit}svg .grid{stroke:#e4e8ec}svg .axis{stroke:#57606a}svg text{fill:var(--fg)}svg .axis-title{font-weight:600}
svg [data-bar]:hover rect,svg [data-point]:hover{stroke:#000;stroke-width:1.5}
#filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:8px;background:var(--soft);border:1px solid var(--line);border-radius:6px;margin-bottom:12px}
#filters[hidden]{display:none}
article{border:1px solid var(--line);border-left:4px solid var(--line);border-radius:4px;padding:8px 12px;margin:8px 0}
article.error{border-left-color:var(--err)}article.warning{border-left-color:var(--warn)}article.info{border-left-color:var(--info)}
article:target{outline:3px solid #E69F00}
article p{margin:6px 0}.sev{font-weight:700;text-transform:lowercase}.error .sev{color:var(--err)}.warning .sev{color:var(--warn)}.info .sev{color:var(--info)}
.tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;margin-left:6px;font-size:12px;font-weight:400}.tag.fix{border-color:#0072B2;color:#0a58b5}
.fp{float:right;font-weight:400;font-size:12px;color:var(--muted)}
pre.frame{background:var(--soft);border-radius:4px;padding:6px 8px;overflow-x:auto;margin:6px 0}
.frame i{font-style:normal;color:var(--muted);margin-right:12px;user-select:none}mark{background:var(--mark);text-decoration:underline wavy #D55E00}
ol.chain{margin:4px 0;padding-left:22px;color:var(--fg)}ol.chain li{margin:1px 0}
.why dt{margin-top:6px}.why dd{margin-left:16px}.errors{color:var(--muted)}
`;
