// eta templates of both pages (status page and run report). `<%= %>` is escaped (autoEscape), `<%~ %>`
// is raw and only ever receives fragments.ts output or the constant CSS/JS. `it.h` holds the helpers.

export const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title><%= it.v.title %></title>
<style><%~ it.h.css %></style>
</head><body class="<%= it.v.kind %>-page">
<%~ include('@header', it) %>
<main>
<% if (it.v.kind === 'status') { %><%~ include('@health', it) %>
<h2>Outcomes per run</h2>
<div class=chart><%~ it.h.chart(it.v.runs) %></div>
<% } %>
<h2>By domain</h2>
<%~ include('@domains', it) %>
<form class=filters hidden onsubmit="return false">
<input id=q type=search placeholder="Filter docs by id or endpoint" aria-label="text filter">
<select id=fd aria-label="domain"><option value="">all domains</option><% it.v.domains.forEach(function (d) { %><option><%= d.name %></option><% }) %></select>
<select id=ft aria-label="tag"><option value="">all tags</option><% it.h.tags.forEach(function (t) { %><option><%= t %></option><% }) %></select>
<select id=fo aria-label="outcome"><option value="">all outcomes</option><option value="problems">problems</option><option value="security">auth accepted</option><option value="drifted">drifted</option><% it.h.outcomes.forEach(function (o) { %><option><%= o %></option><% }) %></select>
<select id=fs aria-label="order"><option value="problems">problems first</option><option value="name">by name</option></select>
<span id=count class=count></span>
</form>
<% it.v.domains.forEach(function (d) { %><section class=domain data-domain="<%= d.name %>">
<h2><%= d.name %> <small><%= it.h.summaryText(d.summary) %></small></h2>
<div class="rows <%= it.v.kind %>"><%~ it.h.columns %>
<% d.docs.forEach(function (r) { %><%~ include('@row', { r: r, h: it.h, v: it.v }) %><% }) %></div>
</section>
<% }) %>
</main>
<footer>Generated <%= it.h.time(it.v.generatedAt) %> by the verifier. Self-contained: no request leaves this page.</footer>
<% if (it.v.kind === 'status') { %><script type="application/json" id="runs-data"><%~ it.h.runsJson %></script><% } %>
<script><%~ it.h.js %></script>
</body></html>
`;

export const HEADER = `<header class=top data-summary="<%= it.h.summaryJson %>">
<h1><%= it.v.title %></h1>
<div class=meta><% if (it.v.target) { %>target <b><%= it.v.target %></b> · <% } %><% var run = it.v.kind === 'run' ? it.v.run : it.v.lastRun; %><% if (run) { %><%= it.v.kind === 'run' ? 'run' : 'last run' %> <b><%= run.runId %></b> at <%= it.h.time(run.startedAt) %><% if (run.trigger) { %> · trigger <%= run.trigger %><% } %><% if (run.durationMs !== undefined) { %> · took <%= it.h.ms(run.durationMs) %><% } %><% } else { %>no run yet<% } %><% if (it.v.kind === 'run' && it.v.incomplete) { %> · <b>incomplete: the run stopped before its end</b><% } %><% if (it.v.kind === 'status' && it.v.security.length) { %> · <b class=alarm><%= it.v.security.length %> security finding<%= it.v.security.length === 1 ? '' : 's' %>: token accepted</b><% } %></div>
</header>
<% var s = it.h.summary; %><% if (s) { %><div class="cards" style="padding:0 24px"><div class=card>total<b><%= s.total %></b></div><% it.h.outcomes.forEach(function (o) { %><div class="card <%= s[o] ? o : '' %>"><%= o %><b><%= s[o] %></b></div><% }) %></div><% } %>
`;

export const HEALTH = `<h2>Health</h2>
<% it.v.security.forEach(function (x) { %><div class="health security" data-key="<%= x.key %>" data-doc="<%= x.doc %>" data-token-type="<%= x.tokenType %>"><b>Security: token accepted</b> <a href="#doc=<%= encodeURIComponent(x.doc) %>"><%= x.doc %></a> <span class=hs><b><%= x.tokenType %></b> token let in · since <%= it.h.time(x.since) %></span>
<ul><% x.details.forEach(function (l) { %><li><%= l %></li><% }) %></ul></div><% }) %>
<% if (!it.v.security.length && !it.v.incidents.length && !it.v.conditions.length && !it.v.businesses.some(function (b) { return b.condition !== 'ok'; })) { %><div class="health ok">No open incident, no business or target condition.</div><% } %>
<% it.v.incidents.forEach(function (x) { %><div class="health incident" data-key="<%= x.key %>"><b>Open incident</b> <a href="#doc=<%= encodeURIComponent(x.key) %>"><%= x.title %></a> <span class=hs><%= x.failures %> failing run<%= x.failures === 1 ? '' : 's' %><% if (x.since) { %> · since <%= it.h.time(x.since) %><% } %></span>
<ul><% x.details.slice(1).forEach(function (l) { %><li><%= l %></li><% }) %></ul></div><% }) %>
<% it.v.conditions.forEach(function (x) { %><div class="health condition" data-key="<%= x.key %>"><b>Target condition</b> <%= x.title %><% if (x.details.length) { %><ul><% x.details.forEach(function (l) { %><li><%= l %></li><% }) %></ul><% } %></div><% }) %>
<% it.v.businesses.forEach(function (b) { %><div class="health <%= b.condition === 'ok' ? 'ok' : 'business' %>" data-business="<%= b.businessId %>"><b>Business</b> <%= b.businessId %>: <%= b.condition %> since <%= it.h.time(b.since) %><% if (b.remedy && b.condition !== 'ok') { %><ul><li>remedy: <%= b.remedy %></li></ul><% } %></div><% }) %>
<% it.v.flapping.forEach(function (x) { %><div class="health flapping" data-key="<%= x.key %>"><b>Flapping</b> <a href="#doc=<%= encodeURIComponent(x.key) %>"><%= x.title %></a><ul><% x.details.forEach(function (l) { %><li><%= l %></li><% }) %></ul></div><% }) %>
<% it.v.mutes.forEach(function (x) { %><div class="health mute" data-key="<%= x.key %>"><b>Muted</b> <%= x.title %> <span class=hs>until <%= it.h.time(x.until) %></span><% if (x.reason) { %><ul><li>reason: <%= x.reason %></li></ul><% } %></div><% }) %>
`;

export const DOMAINS = `<table class=domains><thead><tr><th>domain</th><th>total</th><% it.h.outcomes.forEach(function (o) { %><th><%= o %></th><% }) %></tr></thead><tbody>
<% it.v.domains.forEach(function (d) { %><tr data-domain="<%= d.name %>"><td><%= d.name %></td><td><%= d.summary.total %></td><% it.h.outcomes.forEach(function (o) { %><td><%= d.summary[o] %></td><% }) %></tr><% }) %>
</tbody></table>
`;

// A row whose detail would be empty (a doc that passed every run shown, with no finding) is a plain
// <div>: nothing to open, and a page of 2,000 docs is mostly such rows, where every <details> costs a
// shadow tree (half the page's load time). The others are <details>, readable without JS.
export const ROW = `<% var dt = include('@detail', it).trim(), tag = dt ? 'details' : 'div', sum = dt ? 'summary' : 'div'; %><<%= tag %> class=doc data-doc="<%= it.r.doc %>" data-outcome="<%= it.r.outcome %>"<% if (it.r.drifted) { %> data-drifted="true"<% } %><% if (it.r.authAccepted) { %> data-auth-accepted="true"<% } %><% if (it.r.tags.length) { %> data-tags="<%= it.r.tags.join(' ') %>"<% } %><% if (it.r.endpoint) { %> data-ep="<%= it.r.endpoint %>"<% } %><% if (it.v.kind === 'run' && (it.h.problem(it.r.outcome) || it.r.drifted || it.r.authAccepted)) { %> open<% } %>><<%= sum %> class=sum><% if (it.r.drifted && it.r.outcome === 'pass') { %><span class="b drifted" title="the calls passed; a response did not match its contract">drifted</span><% } else { %><span class="b <%= it.r.outcome %>"><%= it.r.outcome %></span><% } %><span class=nm><%= it.r.doc %><% if (it.r.drifted && it.r.outcome !== 'pass') { %> <em class="tg drifted">drifted</em><% } %><% if (it.r.authAccepted) { %> <em class="tg sec">auth accepted</em><% } %><% if (it.r.endpoint) { %><small><%= it.r.endpoint %></small><% } %></span><% if (it.v.kind === 'status') { %><span class=sn><%= it.r.since ? 'since ' + it.h.time(it.r.since) : '' %></span><%~ it.h.strip(it.r.history || []) %><span class=n><%= it.h.pct(it.r.uptime && it.r.uptime.d1) %></span><span class=n><%= it.h.pct(it.r.uptime && it.r.uptime.d7) %></span><span class=n><%= it.h.pct(it.r.uptime && it.r.uptime.d30) %></span><span class=n><%= it.h.ms(it.r.medianMs) %></span><span class=n><%= it.h.ms(it.r.p95Ms) %></span><% } else { %><span class=n><%= it.h.ms(it.r.durationMs) %></span><span class=rs><%= it.r.reason || '' %></span><% } %></<%= sum %>><% if (dt) { %><div class=detail><%~ dt %></div><% } %></<%= tag %>>
`;

export const DETAIL = `<% var r = it.r, f = r.failing; %><% (r.security || []).forEach(function (x) { %><div class="health security" data-key="<%= x.key %>" data-token-type="<%= x.tokenType %>"><b>Security: <%= x.tokenType %> token accepted</b> <span class=hs>since <%= it.h.time(x.since) %></span><ul><% x.details.forEach(function (l) { %><li><%= l %></li><% }) %></ul></div><% }) %><% if (r.reason || f) { %><dl><% if (r.reason) { %><dt>reason</dt><dd class=reason><%= r.reason %></dd><% } %><% if (f) { %><dt>failing step</dt><dd class=step>"<%= f.id %>" (<%= f.phase %>, line <%= f.line %>) <b><%= f.method %></b> <%= f.url || '' %></dd><dt>expected</dt><dd class=expected><%= f.expected %></dd><dt>actual</dt><dd class=actual><%= f.status === undefined ? 'no response' : f.status %></dd><% if (f.error) { %><dt>error</dt><dd><%= f.error %></dd><% } %><% if (f.condition) { %><dt>condition</dt><dd><%= f.condition %></dd><% } %><% } %></dl><% } %><% if (f && f.bodyExcerpt) { %><div>response body (excerpt, redacted)</div><pre class=body><%= f.bodyExcerpt %></pre><% } %><% if (r.findings && r.findings.length) { %><div>findings</div><pre><%= r.findings.join('\\n') %></pre><% } %><% if (r.contract && r.contract.length) { %><div>response contracts</div><table class="steps contract"><thead><tr><th>step</th><th>operation</th><th>spec</th><th>findings</th></tr></thead><tbody><% r.contract.forEach(function (c) { %><tr data-contract-step="<%= c.step %>" data-valid="<%= c.valid %>"<% if (!c.valid) { %> class=drift<% } %>><td><%= c.step %></td><td><%= c.operation %></td><td class=u><%= c.spec %></td><td><% if (c.valid) { %>valid<% } else { %><ul class=cf><% c.findings.forEach(function (f) { %><li><%= f %></li><% }) %></ul><% } %></td></tr><% }) %></tbody></table><% } %><% if (r.auth && r.auth.length) { %><div>auth matrix</div><table class="steps auth"><thead><tr><th>token type</th><th>documented</th><th>step</th><th>status</th><th>finding</th></tr></thead><tbody><% r.auth.forEach(function (a) { %><tr data-token="<%= a.tokenType %>" data-finding="<%= a.finding %>"<% if (a.finding === 'auth.accepted') { %> class=sec<% } %>><td><%= a.tokenType %></td><td><%= a.documented %><% if (a.expected !== undefined) { %> (<%= a.expected %>)<% } %></td><td><%= a.step %></td><td><%= a.status === undefined ? 'no response' : a.status %></td><td><%= a.finding %><% if (a.finding === 'auth.accepted') { %> <b>security: a token the doc says is refused was let in</b><% } %></td></tr><% }) %></tbody></table><% } %><% if (r.steps && r.steps.length) { %><table class=steps><thead><tr><th>step</th><th>request</th><th>expected</th><th>actual</th><th>outcome</th><th>time</th></tr></thead><tbody><% r.steps.forEach(function (s) { %><tr data-step="<%= s.id %>" data-step-outcome="<%= s.outcome %>"><td><%= s.id %> <small>(<%= s.phase %>, line <%= s.line %>)</small></td><td class=u><b><%= s.method %></b> <%= s.url || '' %></td><td><%= s.expected %></td><td><%= s.status === undefined ? 'no response' : s.status %></td><td><span class="b <%= s.outcome %>"><%= s.outcome %></span></td><td><%= it.h.ms(s.durationMs) %></td></tr><% if (s.outcome !== 'pass' && (s.error || s.bodyExcerpt) && !(f && f.id === s.id && f.line === s.line)) { %><tr><td></td><td colspan=5><% if (s.error) { %><div><%= s.error %></div><% } %><% if (s.bodyExcerpt) { %><pre class=body><%= s.bodyExcerpt %></pre><% } %></td></tr><% } %><% }) %></tbody></table><% } %><% if (r.knownIssues) { %><div>Known Issues (from the doc)</div><pre class=known><%= r.knownIssues %></pre><% } %><% if (r.timeline && (r.timeline.length > 1 || r.outcome !== 'pass')) { %><div>timeline</div><ul class=tl><% r.timeline.forEach(function (t) { %><li><%= it.h.time(t.at) %>: <b><%= t.outcome %></b> (run <%= t.runId %>)<% if (t.reason) { %>: <%= t.reason %><% } %></li><% }) %></ul><% } %>
`;

export const STATUS_COLUMNS =
  '<div class=hd><span>outcome</span><span>doc</span><span>since</span><span>last runs</span><span>24 h</span><span>7 d</span><span>30 d</span><span>median</span><span>p95</span></div>';
export const RUN_COLUMNS =
  '<div class=hd><span>outcome</span><span>doc</span><span>time</span><span>reason</span></div>';
