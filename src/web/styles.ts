// The management page's style sheet: system fonts, light and dark schemes, a two-column layout
// that folds to one column on phones, and visible keyboard focus everywhere.

export const PAGE_STYLES = `
:root{color-scheme:light dark;--bg:#f4f6fb;--card:#fff;--text:#172033;--muted:#5d6880;--line:#dfe4ee;--field:#fff;
--accent:#2f6fed;--accent-text:#fff;--accent-soft:#e8efff;--danger:#c2334d;--danger-soft:#fdecef;--ok:#18794e;--ok-soft:#e6f6ee;
--shadow:0 1px 2px rgba(16,24,40,.06),0 4px 14px rgba(16,24,40,.06);--radius:14px;--swatch:#aab3c5}
@media (prefers-color-scheme:dark){:root{--bg:#0f1420;--card:#171e2d;--text:#e7ecf5;--muted:#9aa5bb;--line:#2a3448;--field:#111827;
--accent:#6d9bff;--accent-text:#0b1220;--accent-soft:#1d2a47;--danger:#ff7a90;--danger-soft:#3a1d25;--ok:#58d39a;--ok-soft:#17382a;
--shadow:0 1px 2px rgba(0,0,0,.4);--swatch:#4b566c}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
h1,h2,h3{line-height:1.25;margin:0}
h1{font-size:1.6rem;letter-spacing:-.01em}
h2{font-size:1.15rem}
h3{font-size:1.08rem;overflow-wrap:anywhere}
a{color:var(--accent)}
.muted{color:var(--muted)}
.skip{position:absolute;left:-999px;top:0}
.skip:focus{left:12px;top:12px;z-index:10;background:var(--card);padding:8px 12px;border-radius:8px}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.top{display:flex;align-items:center;justify-content:space-between;gap:12px;padding:14px clamp(16px,4vw,40px);
background:var(--card);border-bottom:1px solid var(--line)}
.brand{display:flex;align-items:center;gap:10px;font-weight:650;font-size:1.1rem}
.top .who{margin:0;color:var(--muted);font-size:.92rem;overflow-wrap:anywhere}
.top .who strong{color:var(--text)}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 360px;gap:28px;align-items:start;max-width:1240px;margin:0 auto;
padding:28px clamp(16px,4vw,40px) 60px}
.section-head{display:flex;align-items:baseline;justify-content:space-between;gap:12px;margin-bottom:16px}
.section-head p{margin:0}
.list{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;outline:none}
.card,.cal{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);box-shadow:var(--shadow)}
.create{padding:20px}
.create h2{margin-bottom:12px}
.cal{padding:18px 20px;border-left:6px solid var(--swatch)}
.cal-head{display:flex;gap:12px;align-items:flex-start}
.swatch{flex:none;width:14px;height:14px;margin-top:5px;border-radius:50%;background:var(--swatch)}
.cal-title{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;min-width:0}
.badges{display:flex;flex-wrap:wrap;gap:6px;margin:0}
.badge{font-size:.75rem;font-weight:600;padding:2px 8px;border-radius:999px;background:var(--accent-soft);color:var(--accent)}
.badge.default{background:var(--ok-soft);color:var(--ok)}
.badge.public{background:#fff3d6;color:#8a5a00}
@media (prefers-color-scheme:dark){.badge.public{background:#3b2f12;color:#f5c45e}}
.desc{margin:8px 0 0 26px;color:var(--muted);overflow-wrap:anywhere}
.facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:14px 0 0 26px}
.facts div{min-width:0}
.facts dt{font-size:.72rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.facts dd{margin:0;font-weight:550}
.links{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:14px 0 0 26px}
.url{display:inline-flex;align-items:center;gap:6px;min-width:0;max-width:100%}
.url code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.toggles{display:flex;flex-wrap:wrap;gap:10px 28px;margin:14px 0 0 26px}
.switch{display:flex;align-items:center;gap:10px;cursor:pointer}
.switch small{display:block;color:var(--muted);font-size:.8rem}
.switch input{appearance:none;-webkit-appearance:none;flex:none;width:40px;height:24px;margin:0;border-radius:999px;background:var(--line);
position:relative;cursor:pointer;transition:background .15s}
.switch input::after{content:"";position:absolute;top:3px;left:3px;width:18px;height:18px;border-radius:50%;background:#fff;
box-shadow:0 1px 2px rgba(0,0,0,.25);transition:transform .15s}
.switch input:checked{background:var(--accent)}
.switch input:checked::after{transform:translateX(16px)}
.panels{display:flex;flex-wrap:wrap;align-items:flex-start;gap:8px;margin:16px 0 0 26px}
.panel{border:1px solid var(--line);border-radius:10px;background:var(--card)}
.panel[open]{flex:1 1 100%;background:color-mix(in srgb,var(--bg) 45%,var(--card))}
.panel>summary{cursor:pointer;padding:7px 14px;font-weight:600;font-size:.9rem;list-style:none;display:flex;align-items:center;gap:8px;border-radius:10px}
.panel>summary:hover{color:var(--accent)}
.panel>summary::-webkit-details-marker{display:none}
.panel>summary::before{content:"";width:6px;height:6px;border-right:2px solid currentColor;border-bottom:2px solid currentColor;
transform:rotate(-45deg);transition:transform .15s;margin-right:2px}
.panel[open]>summary::before{transform:rotate(45deg)}
.panel>:not(summary){margin:4px 14px 14px}
.panels .danger{margin-left:auto}
.count{font-size:.75rem;background:var(--line);border-radius:999px;padding:0 7px}
.stack{display:grid;gap:12px}
.row{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end}
.grow{flex:1 1 180px}
.field{display:grid;gap:5px;margin:0;padding:0;border:0;min-width:0}
.field>label,.field>legend{font-size:.85rem;font-weight:600}
fieldset.field>legend{margin-bottom:6px}
input,select,textarea,button{font:inherit;color:inherit}
input:not([type=checkbox]):not([type=color]):not([type=file]),select,textarea{width:100%;padding:8px 10px;border:1px solid var(--line);
border-radius:8px;background:var(--field)}
input[type=file]{max-width:100%}
input[type=color]{width:52px;height:38px;padding:3px;border:1px solid var(--line);border-radius:8px;background:var(--field);cursor:pointer}
.color-field{grid-template-columns:auto auto;align-items:center;column-gap:10px}
.color-field>label:first-child{grid-column:1/-1}
.inline{display:flex;align-items:center;gap:6px;font-size:.9rem}
.chips{display:flex;flex-wrap:wrap;gap:8px}
.chip{position:relative}
.chip input{position:absolute;opacity:0;inset:0;margin:0;cursor:pointer}
.chip span{display:inline-block;padding:5px 12px;border:1px solid var(--line);border-radius:999px;background:var(--field);font-size:.9rem}
.chip input:checked+span{background:var(--accent-soft);border-color:var(--accent);color:var(--accent);font-weight:600}
.chip input:focus-visible+span{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;justify-content:flex-end;gap:8px;flex-wrap:wrap}
button,.button{display:inline-flex;align-items:center;justify-content:center;gap:6px;padding:8px 14px;border-radius:9px;
border:1px solid var(--line);background:var(--card);font-weight:600;font-size:.9rem;text-decoration:none;color:var(--text);cursor:pointer}
button:hover,.button:hover{border-color:var(--accent)}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-text)}
button.ghost{background:transparent}
button.small{padding:3px 9px;font-size:.8rem}
button.danger{color:var(--danger);border-color:color-mix(in srgb,var(--danger) 40%,var(--line));background:transparent}
button.danger:hover{background:var(--danger-soft)}
#confirm-ok.danger{background:var(--danger);border-color:var(--danger);color:#fff}
button[disabled]{opacity:.6;cursor:progress}
.sharees{list-style:none;padding:0;display:grid;gap:6px}
.sharees li{display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px}
.sharees .who{font-weight:600}
.sharees button{margin-left:auto}
.results{list-style:none;padding:0;display:grid;gap:4px;font-size:.9rem}
.results:empty{display:none}
.results li{padding:4px 10px;border-radius:6px;overflow-wrap:anywhere}
.results .ok{background:var(--ok-soft);color:var(--ok)}
.results .fail{background:var(--danger-soft);color:var(--danger)}
.notice{max-width:1240px;margin:16px auto 0;padding:12px 16px;border-radius:10px;background:var(--ok-soft);color:var(--ok);font-weight:550;
width:calc(100% - 2*clamp(16px,4vw,40px))}
.notice.error{background:var(--danger-soft);color:var(--danger)}
.notice[hidden]{display:none}
.invites{padding:16px 20px;border-color:color-mix(in srgb,var(--accent) 35%,var(--line))}
.invites ul{list-style:none;margin:10px 0 0;padding:0;display:grid;gap:10px}
.invite{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px 16px}
.invite p{margin:0;overflow-wrap:anywhere}
.empty{padding:30px;text-align:center;color:var(--muted);background:var(--card);border:1px dashed var(--line);border-radius:var(--radius)}
dialog{border:0;border-radius:var(--radius);padding:22px;width:min(440px,calc(100vw - 32px));background:var(--card);color:var(--text);
box-shadow:0 20px 60px rgba(0,0,0,.3)}
dialog::backdrop{background:rgba(15,20,32,.45)}
#confirm-body p{margin:0 0 6px}
#confirm-body ul{margin:0;padding-left:20px}
@media (max-width:960px){.layout{grid-template-columns:minmax(0,1fr)}.create{position:static}}
@media (max-width:560px){.desc,.facts,.links,.toggles,.panels{margin-left:0}.cal{padding:16px}
.section-head{flex-direction:column;gap:2px}.top{flex-wrap:wrap}.url{width:100%}}
`;
