/// The dashboard's pages as Mustache templates, compiled into the binary. `{{name}}` escapes HTML
/// (`& < > " '`); the only unescaped value is `{{{content}}}`, a page the layout wraps, which was
/// itself rendered from these templates.
enum DashboardTemplates {
    static let all: [String: String] = ["layout": layout, "signin": signIn, "board": board]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Vigil</title>
        <link rel="stylesheet" href="/static/vigil.css">
        <script src="/static/vigil.js" defer></script>
        </head>
        <body data-page="{{page}}">
        <header class="bar">
        <a class="brand" href="/">Vigil</a>
        {{#user}}
        <span id="live" class="live" data-state="connecting" role="status" aria-live="polite">Connecting…</span>
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
        <div class="who"><span class="rank">{{rank}}</span> <span class="name">{{name}}</span> <span class="age">{{age}}</span></div>
        <div class="urgency"><span class="badge {{level}}">{{symbol}} {{levelText}}</span>
        {{#alerts}}<span class="alert {{priority}}" title="{{status}}">{{symbol}} {{message}} <span class="when">{{ago}}</span></span>{{/alerts}}
        </div>
        <div class="score">{{#score}}<span class="kind">{{kind}}</span> <strong>{{total}}</strong> <span class="band">{{band}}</span> <span class="trend" title="{{trend}}">{{arrow}}</span>{{/score}}{{^score}}<span class="none">no score</span>{{/score}}</div>
        <ul class="vitals">
        {{#vitals}}<li class="vital{{#stale}} stale{{/stale}}"><span class="label">{{label}}</span> <span class="value">{{value}}</span> <span class="unit">{{unit}}</span> <span class="when">{{ago}}{{#stale}} · stale{{/stale}}</span></li>{{/vitals}}
        </ul>
        </li>
        {{/patients}}
        </ol>
        """
}
