/// The dashboard's pages as Mustache templates, compiled into the binary. `{{name}}` escapes HTML
/// (`& < > " '`); the only unescaped value is `{{{content}}}`, a page the layout wraps, which was
/// itself rendered from these templates.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "signin": signIn, "board": board, "alerts": alerts, "patient": patient, "school": school, "pupil": pupil,
        "contact": contact, "error": error, "publichealth": publicHealth,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Vigil</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/static/vigil.css">
        <script src="/static/vigil.js" defer></script>
        </head>
        <body data-page="{{page}}">
        <header class="bar">
        <a class="brand" href="/">Vigil</a>
        {{#user}}
        <nav>{{#clinical}}<a href="/board">Patients</a> <a href="/alerts">Alerts</a>{{/clinical}}{{#school}} <a href="/school">Pupils</a>{{/school}}{{#population}} <a href="/public-health">Public health</a>{{/population}}</nav>
        {{#clinical}}<span id="live" class="live" data-state="connecting" role="status" aria-live="polite">Connecting…</span>{{/clinical}}
        <span class="who">{{name}} · {{role}}</span>
        <form method="post" action="/signout" class="signout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
        {{/user}}
        </header>
        <main id="main">
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        <section class="signin">
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/signin">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#next}}<input type="hidden" name="next" value="{{next}}">{{/next}}
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" required autofocus value="{{username}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        </section>
        """

    static let board = """
        <h1>Patients <span class="count">{{total}}</span></h1>
        <p class="note">Most urgent first: open alerts, then the early-warning score and its trend. Updated {{generated}}.</p>
        {{^patients}}<p class="empty">No patients in your care teams.</p>{{/patients}}
        <ol class="board" id="board">
        {{#patients}}
        <li class="line {{level}}" data-patient="{{id}}">
        <div class="who"><span class="rank">{{rank}}</span> <a class="name" href="/patients/{{id}}">{{name}}</a> <span class="age">{{age}}</span></div>
        <div class="urgency"><span class="badge {{level}}">{{symbol}} {{levelText}}</span>
        {{#alerts}}<span class="alert {{priority}}" title="{{status}}">{{symbol}} {{message}} <span class="when">{{ago}}</span></span>{{/alerts}}
        </div>
        <div class="score">{{#score}}<span class="kind">{{kind}}</span> <strong>{{total}}</strong> <span class="band">{{band}}</span> <span class="trend" title="{{trend}}">{{arrow}}</span>{{/score}}{{^score}}<span class="none">no score</span>{{/score}}</div>
        <ul class="vitals">
        {{#vitals}}<li class="vital {{severity}}{{#stale}} stale{{/stale}}"><span class="label">{{label}}</span> <span class="value">{{value}}</span> <span class="unit">{{unit}}</span>{{#flag}} <span class="flag {{severity}}" title="{{title}}">{{text}}</span>{{/flag}} {{{spark}}} <span class="when">{{ago}}{{#stale}} · stale{{/stale}}</span></li>{{/vitals}}
        </ul>
        </li>
        {{/patients}}
        </ol>
        """

    static let alerts = """
        <h1>Alerts <span class="count">{{count}}</span></h1>
        <p class="note">Open alerts of your patients: highest priority first, then the oldest.</p>
        {{#missing}}<p class="note" role="status">Alert {{missing}} is not open any more, or is not about one of your patients.</p>{{/missing}}
        {{^alerts}}<p class="empty">No open alerts.</p>{{/alerts}}
        <ol class="inbox" id="inbox">
        {{#alerts}}
        <li class="item {{priority}}{{#focus}} focus{{/focus}}" id="alert-{{id}}" data-alert="{{id}}" data-patient="{{patient}}">
        <div class="head"><span class="badge {{priority}}">{{symbol}} {{priorityText}}</span> <a class="name" href="/patients/{{patient}}">{{patientName}}</a> <span class="when">{{ago}}</span> <span class="status">{{statusText}}</span>{{#escalated}} <span class="escalated">escalated to level {{escalation}}</span>{{/escalated}}</div>
        <p class="message">{{message}}</p>
        <p class="people">Notified: {{notified}}{{#acknowledgedBy}} · acknowledged by {{acknowledgedBy}}{{/acknowledgedBy}}</p>
        <div class="actions">
        {{#canAcknowledge}}<form method="post" action="/alerts/{{id}}/ack" class="ack"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Acknowledge</button></form>{{/canAcknowledge}}
        <form method="post" action="/alerts/{{id}}/resolve" class="resolve"><input type="hidden" name="csrf" value="{{csrf}}"><label for="reason-{{id}}">Reason</label> <input id="reason-{{id}}" name="reason" required maxlength="2000"> <button type="submit">Resolve</button></form>
        </div>
        </li>
        {{/alerts}}
        </ol>
        """

    static let patient = """
        <h1>{{name}} <span class="age">{{age}} {{gender}}</span></h1>
        <nav class="views" aria-label="Specialty">{{#views}}<a href="/patients/{{patient}}?view={{id}}&amp;hours={{hours}}"{{#current}} aria-current="page"{{/current}}>{{name}}</a> {{/views}}</nav>
        <nav class="periods" aria-label="Period">{{#periods}}<a href="/patients/{{patient}}?view={{view}}&amp;hours={{hours}}"{{#current}} aria-current="page"{{/current}}>{{hours}} h</a> {{/periods}}</nav>
        <section class="charts" aria-label="{{viewName}}, last {{hours}} hours">
        <h2>{{viewName}}, last {{hours}} h</h2>
        <p class="note">Behind each vital: its normal range (green) and the score's bands (yellow 1, orange 2, red 3 points), from the clinical policy for this patient's age. Grey: lowest to highest where readings are averaged. Marks: alerts (▲ high, ◆ medium, ● low). Blue bar: treatments. Times: {{zone}}.</p>
        {{^charts}}<p class="empty">No readings in this period.</p>{{/charts}}
        {{#charts}}<figure class="chart-box"><figcaption>{{title}} <span class="unit">{{unit}}</span> <strong>{{latest}}</strong></figcaption>{{{svg}}}</figure>{{/charts}}
        </section>
        <section id="results"><h2>Test results</h2>
        {{^reports}}<p class="empty">None.</p>{{/reports}}
        <ul>{{#reports}}<li><span class="when">{{date}}</span> <strong>{{name}}</strong> ({{status}}) {{conclusion}}</li>{{/reports}}</ul>
        </section>
        <section id="imaging"><h2>Imaging</h2>
        {{^imaging}}<p class="empty">None.</p>{{/imaging}}
        <ul>{{#imaging}}<li><span class="when">{{date}}</span> <strong>{{modality}}</strong> {{description}}: {{#series}}{{series}} series, {{/series}}{{#instances}}{{instances}} images, {{/instances}}at {{where}}. {{report}}</li>{{/imaging}}</ul>
        </section>
        <section id="treatments"><h2>Treatments</h2>
        {{^treatments}}<p class="empty">None.</p>{{/treatments}}
        <ul>{{#treatments}}<li>{{kind}}: <strong>{{name}}</strong> <span class="when">{{when}}</span> {{detail}} ({{status}})</li>{{/treatments}}</ul>
        </section>
        <section id="conditions"><h2>Conditions</h2><ul>{{#conditions}}<li>{{name}} ({{status}})</li>{{/conditions}}</ul>{{^conditions}}<p class="empty">None recorded.</p>{{/conditions}}</section>
        <section id="immunizations"><h2>Immunizations</h2><ul>{{#immunizations}}<li>{{name}} <span class="when">{{date}}</span> ({{status}})</li>{{/immunizations}}</ul>{{^immunizations}}<p class="empty">None recorded.</p>{{/immunizations}}</section>
        <section id="team"><h2>Care team</h2><ul>{{#team}}<li>{{> contact}}</li>{{/team}}</ul>{{^team}}<p class="empty">Nobody named.</p>{{/team}}</section>
        <section id="devices"><h2>Devices</h2><ul>{{#devices}}<li>{{name}} <span class="unit">{{id}}</span> ({{status}}), last reading {{lastSeen}}</li>{{/devices}}</ul>{{^devices}}<p class="empty">None.</p>{{/devices}}</section>
        <section id="commands"><h2>Device commands</h2><ul>{{#commands}}<li class="command {{state}}" data-command="{{id}}"><strong>{{command}}</strong>{{#parameters}} {{parameters}}{{/parameters}} to <span class="unit">{{device}}</span>: <span class="status">{{state}}</span>{{#reason}} ({{reason}}){{/reason}}<ol class="steps">{{#steps}}<li>{{at}} {{state}} by {{by}}{{#detail}}: {{detail}}{{/detail}}</li>{{/steps}}</ol></li>{{/commands}}</ul>{{^commands}}<p class="empty">None.</p>{{/commands}}</section>
        """

    static let school = """
        <h1>Pupils <span class="count">{{count}}</span></h1>
        <p class="note">Most urgent first: an open alert, a low or high glucose, a red or yellow peak-flow zone. Current glucose with its trend, or peak flow with its zone; the action plan's steps; who to call.</p>
        {{^any}}<p class="empty">No pupils in your care teams.</p>{{/any}}
        {{#anyUrgent}}<h2 class="group urgent">Needs attention ({{urgentCount}})</h2>{{/anyUrgent}}
        <ul class="pupils urgent" id="urgent">{{#urgent}}{{> pupil}}{{/urgent}}</ul>
        {{#anyWell}}<h2 class="group">All well ({{wellCount}})</h2>{{/anyWell}}
        <ul class="pupils" id="pupils">{{#well}}{{> pupil}}{{/well}}</ul>
        """

    /// One pupil's card on the school view.
    static let pupil = """
        <li class="pupil attention-{{attention}}" data-patient="{{id}}">
        <h3><a class="name" href="/patients/{{id}}">{{name}}</a></h3>
        {{#glucose}}<p class="reading glucose {{level}}">Glucose <strong>{{value}} mg/dL {{arrow}}</strong> <span class="level">{{level}}</span>, {{direction}} <span class="when">{{ago}}</span></p>{{/glucose}}
        {{#peakFlow}}<p class="reading peak-flow zone-{{zone}}">Peak flow <strong>{{value}} L/min</strong>: <span class="zone">{{zone}} zone</span> ({{percent}} % of best) <span class="when">{{ago}}</span></p>{{/peakFlow}}
        {{#alerts}}<p class="alert {{priority}}">{{symbol}} {{message}} <span class="when">{{ago}}</span></p>{{/alerts}}
        {{#plans}}<div class="plan"><p><strong>{{title}}</strong> {{description}}</p>{{#hasSteps}}<ol class="steps">{{#steps}}<li>{{.}}</li>{{/steps}}</ol>{{/hasSteps}}</div>{{/plans}}
        <p class="contacts">Call:</p><ul class="contacts">{{#contacts}}<li class="contact">{{> contact}}</li>{{/contacts}}</ul>{{^contacts}}<p class="contacts">nobody recorded</p>{{/contacts}}
        </li>
        """

    /// A person to call: their phone as a link, or a clear gap (and, for an administrator, where to fill it).
    static let contact = """
        {{name}} ({{role}}), {{#phone}}<a href="tel:{{dial}}">{{phone}}</a>{{/phone}}{{^phone}}<span class="missing">no phone on record</span>{{#fix}} (add a phone to the telecom of {{fix}}){{/fix}}{{/phone}}
        """

    /// The public-health page: screening sites, a cohort's counts, the exposure search.
    static let publicHealth = """
        <h1>Public health</h1>
        <section id="sites"><h2>Screening sites</h2>
        <p class="note">Today so far (UTC), febrile at each site's cut-off; a signal is EARS C1, C2, C3 or the CUSUM on the febrile counts of today or yesterday.</p>
        {{^anySites}}<p class="empty">No site has screened anyone.</p>{{/anySites}}
        {{#sites}}
        <article class="site{{#signal}} signal{{/signal}}" data-site="{{id}}">
        <h3>{{name}} {{#signal}}<span class="badge medium">signal</span>{{/signal}}</h3>
        <p>Today: <strong>{{screened}}</strong> screened, <strong>{{febrile}}</strong> febrile ({{share}}); cut-off {{cutOff}} °C{{#problem}} <span class="missing">({{problem}})</span>{{/problem}}</p>
        {{#alert}}<div class="item medium"><p class="message">{{message}}</p><p class="status">{{status}}</p>
        <div class="actions">{{#canAcknowledge}}<form method="post" action="/alerts/{{id}}/ack"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Acknowledge</button></form>{{/canAcknowledge}}
        {{#canResolve}}<form method="post" action="/alerts/{{id}}/resolve"><input type="hidden" name="csrf" value="{{csrf}}"><input name="reason" required placeholder="Reason" aria-label="Reason"><button type="submit">Resolve</button></form>{{/canResolve}}</div></div>{{/alert}}
        <figure class="chart-box"><figcaption>Febrile travellers per day</figcaption>{{{curve}}}</figure>
        </article>
        {{/sites}}
        </section>
        <section id="cohort"><h2>Cohort counts by area</h2>
        <form method="get" action="/public-health" class="actions"><label for="cohort-name">Cohort</label>
        <select id="cohort-name" name="cohort">{{#cohorts}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/cohorts}}</select><button type="submit">Show</button></form>
        {{#cohort}}<p>{{name}} (definition {{version}}): <strong>{{total}}</strong> people at higher risk and not protected. Cells under 11 show as &lt;11.</p>
        <table class="counts"><thead><tr><th>Area (ZIP3)</th><th>Age band</th><th>People</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{area}}</td><td>{{ageBand}}</td><td>{{count}}</td></tr>{{/rows}}</tbody></table>{{/cohort}}
        </section>
        {{#tracer}}
        <section id="exposures"><h2>Exposure search</h2>
        <p class="note">Who was near a case, and where the case had been. Every search and every person it names is audited with your purpose.</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/public-health/exposures" class="exposure">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="index">Case</label><input id="index" name="index" required placeholder="Patient/ID" value="{{form.index}}">
        <label for="from">From</label><input id="from" name="from" type="date" required value="{{form.from}}">
        <label for="to">To</label><input id="to" name="to" type="date" required value="{{form.to}}">
        <label for="distance">Within (metres)</label><input id="distance" name="distanceMeters" type="number" min="0.1" max="100" step="0.1" required value="{{form.distanceMeters}}">
        <label for="minutes">For at least (minutes)</label><input id="minutes" name="minutes" type="number" min="0" max="1440" required value="{{form.minutes}}">
        <label for="reason">Purpose</label><input id="reason" name="reason" required maxlength="500" placeholder="Why you trace this person" value="{{form.reason}}">
        <button type="submit">Search</button>
        </form>
        {{#exposures}}
        <h3>Contacts of {{index}}</h3>
        {{#noContacts}}<p class="empty">Nobody was near long enough.</p>{{/noContacts}}
        <ul class="contacts">{{#contacts}}<li><strong>{{patient}}</strong>: {{minutes}} min, {{first}} to {{last}}, at {{places}}</li>{{/contacts}}</ul>
        <h3>Where the case was</h3>
        <ul class="places">{{#places}}<li>{{place}}: {{minutes}} min, {{first}} to {{last}}</li>{{/places}}</ul>
        <h3>Other cases who were there</h3>
        {{#noCases}}<p class="empty">None.</p>{{/noCases}}
        <ul class="cases">{{#cases}}<li><strong>{{patient}}</strong> at {{places}}</li>{{/cases}}</ul>
        {{/exposures}}
        </section>
        {{/tracer}}
        """

    /// What a browser sees when a page cannot be shown (a patient one may not see, an address that
    /// is nothing): the status and the reason, as a page.
    static let error = """
        <h1>{{heading}}</h1>
        <p class="message">{{message}}</p>
        <p><a href="/">Back to the start</a></p>
        """
}
