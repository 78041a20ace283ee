/// The dashboard's stylesheet, script and icon, compiled into the binary and served from `/static/`.
/// No inline script or style anywhere: the Content Security Policy allows only these.
enum DashboardAssets {
    static let css = """
        :root { --ink: #1b1f24; --muted: #4d5560; --paper: #ffffff; --line: #d0d5db; --high: #b00020; --medium: #8a4b00; --low: #1d4f91; --ok: #1e6b34; --stale: #6b4f00; --watch: #fff4d6; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.4 system-ui, sans-serif; color: var(--ink); background: var(--paper); }
        .bar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--ink); text-decoration: none; margin-right: auto; }
        .who { color: var(--muted); }
        .signout { display: inline; }
        button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--ink); background: var(--paper); color: var(--ink); border-radius: 4px; cursor: pointer; }
        button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid var(--low); outline-offset: 2px; }
        main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
        .signin { max-width: 22rem; margin: 3rem auto; display: grid; gap: .5rem; }
        .signin form { display: grid; gap: .5rem; }
        .signin input { font: inherit; padding: .4rem; border: 1px solid var(--muted); border-radius: 4px; }
        .error { color: var(--high); font-weight: 600; }
        .note { color: var(--muted); }
        .board { list-style: none; padding: 0; display: grid; gap: .5rem; }
        .line { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px; padding: .5rem .75rem; display: grid; gap: .25rem; }
        .line.high { border-left-color: var(--high); }
        .line.medium { border-left-color: var(--medium); }
        .line.low { border-left-color: var(--low); }
        .name { font-weight: 600; }
        .rank, .age, .when, .unit, .none { color: var(--muted); }
        .badge { font-weight: 700; }
        .badge.high, .alert.high { color: var(--high); }
        .badge.medium, .alert.medium { color: var(--medium); }
        .badge.low, .alert.low { color: var(--low); }
        .badge.none { color: var(--ok); }
        .alert { display: inline-block; margin-right: .75rem; }
        .vitals { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
        .spark { width: 80px; height: 20px; vertical-align: middle; }
        .spark polyline { fill: none; stroke: var(--muted); stroke-width: 1.5; }
        .vital.stale { color: var(--stale); font-style: italic; }
        .vital.moderate .value { color: var(--medium); font-weight: 700; }
        .vital.severe .value { color: var(--high); font-weight: 700; }
        .flag { font-size: .8rem; font-weight: 700; padding: 0 .3rem; border-radius: 3px; border: 1px solid currentColor; }
        .flag.moderate { color: var(--medium); background: var(--watch); }
        .flag.severe { color: var(--paper); background: var(--high); border-color: var(--high); }
        nav a { margin-right: .75rem; color: var(--ink); }
        .inbox { list-style: none; padding: 0; display: grid; gap: .5rem; }
        .item { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px; padding: .5rem .75rem; }
        .item.high { border-left-color: var(--high); }
        .item.medium { border-left-color: var(--medium); }
        .item.low { border-left-color: var(--low); }
        .item.focus { outline: 3px solid var(--ink); outline-offset: 2px; }
        .item .message { margin: .25rem 0; }
        .people, .status, .escalated { color: var(--muted); }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
        .actions form { display: flex; gap: .5rem; align-items: center; }
        .actions input { font: inherit; padding: .3rem; border: 1px solid var(--muted); border-radius: 4px; }
        .views a, .periods a { margin-right: .5rem; color: var(--ink); }
        .views a[aria-current], .periods a[aria-current] { font-weight: 700; text-decoration: none; }
        .charts { display: grid; gap: .5rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr)); }
        .chart-box { margin: 0; }
        .chart { width: 100%; height: auto; border: 1px solid var(--line); background: var(--paper); }
        .chart .zone.normal { fill: #eaf4ec; }
        .chart .zone.moderate { fill: var(--watch); }
        .chart .zone.moderate.points-2 { fill: #fde3c4; }
        .chart .zone.severe { fill: #f9d9dc; }
        .chart .grid { stroke: #d9dde2; stroke-width: .5; }
        .chart .envelope { fill: #9aa3ad; fill-opacity: .35; stroke: none; }
        .chart .point { fill: var(--ink); }
        .chart .series { fill: none; stroke: var(--ink); stroke-width: 1.5; }
        .chart .current-point { fill: var(--ink); stroke: var(--paper); stroke-width: 1; }
        .chart .current { font-size: 15px; font-weight: 700; fill: var(--ink); }
        .chart .treatment { fill: var(--low); }
        .charts > h2, .charts > p { grid-column: 1 / -1; margin-bottom: 0; }
        .chart .marker { stroke-width: 2; }
        .chart .marker.high { stroke: var(--high); }
        .chart .marker.medium { stroke: var(--medium); }
        .chart .marker.low { stroke: var(--low); }
        .chart .marker-label { font-size: 11px; font-weight: 700; }
        .chart .marker-label.high { fill: var(--high); }
        .chart .marker-label.medium { fill: var(--medium); }
        .chart .marker-label.low { fill: var(--low); }
        .chart .axis { font-size: 11px; fill: var(--muted); }
        .chart .tick-value { text-anchor: end; }
        .chart .tick-time { text-anchor: middle; }
        a.name { color: var(--ink); }
        .site { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px; padding: .5rem .75rem; margin-bottom: .75rem; }
        .site.signal { border-left-color: var(--medium); }
        .curve .bar { fill: var(--muted); }
        .curve .bar.signal { fill: var(--medium); }
        .curve .tick { font-size: 11px; fill: var(--muted); }
        .counts { border-collapse: collapse; }
        .counts th, .counts td { border-bottom: 1px solid var(--line); padding: .2rem .75rem; text-align: left; }
        .exposure { display: grid; grid-template-columns: max-content minmax(10rem, 24rem); gap: .35rem .75rem; align-items: center; }
        .exposure button { grid-column: 2; justify-self: start; }
        .pupils { list-style: none; padding: 0; display: grid; gap: .75rem; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); }
        .group { font-size: 1.1rem; margin: 1rem 0 .25rem; }
        .group.urgent { color: var(--high); }
        .pupils.urgent .pupil { border: 2px solid var(--high); border-left-width: 8px; }
        .pupil h3 { margin: 0 0 .25rem; font-size: 1.1rem; }
        .steps { margin: .25rem 0; padding-left: 1.5rem; }
        .missing { color: var(--high); font-style: italic; }
        .pupil { border: 1px solid var(--line); border-radius: 4px; padding: .5rem .75rem; }
        .reading strong { font-size: 1.25rem; }
        .glucose.low .level, .zone-red .zone { color: var(--high); font-weight: 700; }
        .glucose.high .level, .zone-yellow .zone { color: var(--medium); font-weight: 700; }
        .zone-green .zone, .glucose.in .level { color: var(--ok); }
        .contacts, .plan { color: var(--muted); }
        .live { font-size: .875rem; padding: .1rem .5rem; border-radius: 4px; border: 1px solid var(--line); }
        .live[data-state="live"] { color: var(--ok); }
        .live[data-state="disconnected"] { color: var(--paper); background: var(--high); border-color: var(--high); }
        @media (max-width: 40rem) { .bar { padding: .5rem; } main { padding: .5rem; } }
        """

    static let js = """
        // Vigil dashboard: live updates over /api/stream (authenticated by the session cookie).
        // When something happens to a patient on this page, the page's main part is fetched again.
        (function () {
          "use strict";
          var live = document.getElementById("live");
          if (!live) { return; }
          // One fetch at a time; an event that comes while one is on its way (whose answer may
          // predate it) fetches once more when it is back, so that no event is left unshown.
          var last = null, retry = 1000, pending = false, again = false;
          function state(name, text) { live.dataset.state = name; live.textContent = text; }
          function done() {
            pending = false;
            if (again) { again = false; refresh(); }
          }
          function refresh() {
            if (pending) { again = true; return; }
            pending = true;
            setTimeout(function () {
              again = false;
              fetch(location.pathname + location.search, { credentials: "same-origin", headers: { "Accept": "text/html", "X-Vigil-Refresh": "1" } })
                .then(function (r) { if (r.redirected || r.status === 401) { location.assign("/"); return null; } return r.text(); })
                .then(function (html) {
                  if (html !== null) {
                    var doc = new DOMParser().parseFromString(html, "text/html");
                    var fresh = doc.getElementById("main");
                    if (fresh) { document.getElementById("main").replaceWith(fresh); }
                  }
                  done();
                })
                .catch(done);
            }, 250);
          }
          function connect() {
            var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/stream");
            ws.onopen = function () { retry = 1000; ws.send(JSON.stringify(last ? { type: "auth", session: true, lastEventId: last } : { type: "auth", session: true })); };
            ws.onmessage = function (event) {
              var message = JSON.parse(event.data);
              if (message.type === "ready" || message.type === "reset") { state("live", "Live"); if (message.type === "reset") { refresh(); } return; }
              if (message.type === "expired" || message.type === "error") { location.assign("/"); return; }
              if (message.id) { last = message.id; }
              if (message.patient) { refresh(); }
            };
            ws.onclose = function () {
              state("disconnected", "Disconnected: reconnecting…");
              setTimeout(connect, retry);
              retry = Math.min(retry * 2, 30000);
            };
          }
          connect();
        })();
        """

    /// The icon: a pulse line on the palette's blue.
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d4f91"/><polyline points="3,17 10,17 13,9 17,25 20,13 22,17 29,17" fill="none" stroke="#ffffff" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/></svg>
        """
}
