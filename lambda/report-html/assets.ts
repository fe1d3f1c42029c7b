// The page's inline CSS and JS. Nothing is fetched: the page must work from file://, from a private
// S3 object and as an e-mail attachment, and the Content-Security-Policy in <head> forbids any request.
// The JS only adds filtering, ordering, tooltips and deep links; the page reads fully without it.

export const CSS = `
:root{--pass:#2e9e5b;--fail:#d93b3b;--error:#e07b1a;--blocked:#8e44ad;--invalid:#b8860b;--skip:#9aa4ae;--drift:#1f7a99;--none:#e4e8ec;--bg:#f6f7f9;--fg:#1d2329;--mute:#5d6873;--line:#dfe3e8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header.top{background:#1d2329;color:#fff;padding:14px 24px}
header.top h1{margin:0 0 4px;font-size:20px}
header.top .meta{color:#c5ccd3;font-size:13px}header.top .alarm{background:var(--fail);color:#fff;border-radius:3px;padding:1px 6px}
main{padding:16px 24px;max-width:1500px}
h2{font-size:16px;margin:22px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:92px}
.card b{display:block;font-size:22px}
.card.fail b{color:var(--fail)}.card.error b{color:var(--error)}.card.blocked b{color:var(--blocked)}.card.invalid b{color:var(--invalid)}.card.pass b{color:var(--pass)}.card.skip b{color:var(--skip)}
.health{background:#fff;border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;padding:8px 14px;margin:6px 0}
.health.mute{border-left-color:var(--skip)}.health.ok{border-left-color:var(--pass)}
.health.security{background:#fde8e8;border:2px solid var(--fail);border-left-width:8px}.health.security>b:first-child{color:var(--fail);text-transform:uppercase}.health.security ul{color:var(--fg)}
.doc[data-auth-accepted]>.sum{box-shadow:inset 4px 0 var(--fail)}
.health ul{margin:4px 0 0;padding-left:18px;color:var(--mute)}
table.domains{border-collapse:collapse;background:#fff;border:1px solid var(--line)}
table.domains th,table.domains td{padding:4px 10px;text-align:right;border-bottom:1px solid var(--line)}
table.domains th:first-child,table.domains td:first-child{text-align:left}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:14px 0;position:sticky;top:0;background:var(--bg);padding:8px 0;z-index:2}
.filters input,.filters select{font:inherit;padding:4px 8px;border:1px solid #b9c1c9;border-radius:4px;background:#fff}
.filters input{min-width:260px}
.count{color:var(--mute)}
section.domain h2 small{color:var(--mute);font-weight:normal}
.rows{background:#fff;border:1px solid var(--line);border-radius:6px}
.hd,.doc>.sum{display:grid;grid-template-columns:var(--cols);gap:10px;align-items:center;padding:5px 10px}
.status{--cols:76px minmax(220px,1fr) 150px 290px 54px 54px 54px 64px 64px}
.run{--cols:76px minmax(220px,1fr) 80px minmax(160px,1.2fr)}
.hd{font-size:12px;color:var(--mute);border-bottom:1px solid var(--line)}
.hd span:nth-child(n+5),.doc>.sum>.n{text-align:right}
.doc{border-bottom:1px solid var(--line);content-visibility:auto;contain-intrinsic-size:auto 46px}
.doc:last-child{border-bottom:0}
.doc>summary{cursor:pointer;list-style:none}
.doc>summary::-webkit-details-marker{display:none}
.doc>summary:hover{background:#f0f3f6}
.doc[open]>summary{background:#eef2f6}
.nm{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.nm small{display:block;color:var(--mute)}
.sn{color:var(--mute);font-size:12px}
.rs{color:var(--mute);font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.b{display:inline-block;border-radius:3px;padding:1px 6px;font-size:11px;font-weight:700;color:#fff;text-transform:uppercase;text-align:center;min-width:62px}
.b.drifted{background:var(--drift)}.tg{font-style:normal;font-size:11px;font-weight:700;border-radius:3px;padding:0 5px;margin-left:4px;color:#fff}.tg.drifted{background:var(--drift)}.tg.sec{background:var(--fail)}
tr.drift td{background:#e8f3f8}tr.sec td{background:#fde8e8}tr.sec b{color:var(--fail)}ul.cf{margin:0;padding-left:16px}
.hs{color:var(--mute);margin-left:10px;font-size:13px}.health a{color:inherit}.health.flapping{border-left-color:var(--error)}
.b.pass{background:var(--pass)}.b.fail{background:var(--fail)}.b.error{background:var(--error)}.b.blocked{background:var(--blocked)}.b.invalid{background:var(--invalid)}.b.skip{background:var(--skip)}
.strip{display:flex;height:18px;overflow:hidden}
.strip i{--n:1;--c:var(--pass);padding:0;border-radius:0;flex:0 1 calc(var(--n) * 9px);min-width:calc(var(--n) * 2px);background:repeating-linear-gradient(90deg,var(--c) 0 calc(100% / var(--n) - 1px),transparent 0 calc(100% / var(--n)))}
.strip i.f{--c:var(--fail)}.strip i.e{--c:var(--error)}.strip i.b{--c:var(--blocked)}.strip i.v{--c:var(--invalid)}.strip i.s{--c:var(--skip)}.strip i.n{--c:var(--none)}
.detail{padding:8px 14px 14px 96px;background:#fafbfc;border-top:1px dashed var(--line)}
.detail dl{display:grid;grid-template-columns:110px 1fr;gap:3px 12px;margin:6px 0}
.detail dt{color:var(--mute)}.detail dd{margin:0;overflow-wrap:anywhere}
pre{background:#1d2329;color:#e8edf2;padding:8px 10px;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:260px;overflow:auto;font-size:12px}
table.steps{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
table.steps td,table.steps th{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
table.steps td.u{overflow-wrap:anywhere}
.tl{margin:4px 0;padding-left:18px;color:var(--mute)}
.chart{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px}
.chart svg{width:100%;height:120px;display:block}
.legend{font-size:12px;color:var(--mute)}
.legend span:before{content:"";display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:-1px}
.legend .pass:before{background:var(--pass)}.legend .fail:before{background:var(--fail)}.legend .error:before{background:var(--error)}.legend .blocked:before{background:var(--blocked)}.legend .invalid:before{background:var(--invalid)}.legend .skip:before{background:var(--skip)}
footer{color:var(--mute);font-size:12px;padding:16px 24px}
[hidden]{display:none!important}
`;

export const JS = `
(function(){
var d=document,q=d.getElementById('q'),fd=d.getElementById('fd'),ft=d.getElementById('ft'),fo=d.getElementById('fo'),fs=d.getElementById('fs'),ct=d.getElementById('count');
var bar=d.querySelector('.filters');if(bar)bar.hidden=false;
var rows=[].slice.call(d.querySelectorAll('.doc')),secs=[].slice.call(d.querySelectorAll('section.domain'));
var PROB={fail:1,error:1,blocked:1,invalid:1},RANK={fail:0,error:1,blocked:2,invalid:3,skip:4,pass:5};
function rank(r){var s=r.dataset;return s.authAccepted?-1:s.outcome==='pass'&&s.drifted?4.5:RANK[s.outcome];}
function apply(){
var t=q?q.value.trim().toLowerCase():'',dv=fd?fd.value:'',tv=ft?ft.value:'',ov=fo?fo.value:'',n=0;
rows.forEach(function(r){var s=r.dataset,ok=(!t||(s.doc+' '+(s.ep||'')).toLowerCase().indexOf(t)>=0)&&(!dv||r.closest('section').dataset.domain===dv)&&(!tv||(' '+(s.tags||'')+' ').indexOf(' '+tv+' ')>=0)&&(!ov||(ov==='problems'?PROB[s.outcome]||s.authAccepted:ov==='security'?s.authAccepted==='true':ov==='drifted'?s.drifted==='true':s.outcome===ov));r.hidden=!ok;if(ok)n++;});
secs.forEach(function(s){s.hidden=!s.querySelector('.doc:not([hidden])');});
if(ct)ct.textContent=n+' of '+rows.length+' docs';
}
function order(){
var byName=fs&&fs.value==='name';
secs.forEach(function(s){var box=s.querySelector('.rows'),list=[].slice.call(box.querySelectorAll('.doc'));
list.sort(function(a,b){var x=byName?0:rank(a)-rank(b);return x||(a.dataset.doc<b.dataset.doc?-1:a.dataset.doc>b.dataset.doc?1:0);});
list.forEach(function(r){box.appendChild(r);});});
}
[q,fd,ft,fo].forEach(function(e){if(e)e.addEventListener('input',apply);});
if(fs)fs.addEventListener('input',order);
var runsEl=d.getElementById('runs-data'),runs=runsEl?JSON.parse(runsEl.textContent):[];
var NAMES={f:'fail',e:'error',b:'blocked',v:'invalid',s:'skip',n:'not run'};
function len(e){return +(e.style.getPropertyValue('--n')||1);}
d.addEventListener('mousemove',function(ev){var c=ev.target,st=c.parentNode;if(c.tagName!=='I'||!st.classList||!st.classList.contains('strip'))return;
var n=len(c),i=Math.min(n-1,Math.floor(ev.offsetX/(c.offsetWidth/n))),p=c.previousElementSibling;for(;p;p=p.previousElementSibling)i+=len(p);
var r=runs[i],o=NAMES[c.className]||'pass',s=c.dataset.s||st.dataset.s;c.title=o+(r?' · '+r:'')+(s&&PROB[o]?' · step '+s:'');});
function openHash(){var m=/^#doc=(.+)$/.exec(location.hash);if(!m)return;var id=decodeURIComponent(m[1]);
rows.forEach(function(r){if(r.dataset.doc===id){r.open=true;r.scrollIntoView({block:'center'});}});}
rows.forEach(function(r){r.addEventListener('toggle',function(){if(r.open&&history.replaceState)history.replaceState(null,'','#doc='+encodeURIComponent(r.dataset.doc));});});
window.addEventListener('hashchange',openHash);openHash();apply();
})();
`;
