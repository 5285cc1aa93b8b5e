/** The console's page and style sheet: static, no inline script or style (the CSP forbids both). */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Operator console · token backbone</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<header>
  <h1>Operator console</h1>
  <span id="who"></span>
  <button id="sign-out" type="button" hidden>Sign out</button>
</header>
<main>
  <section id="sign-in">
    <h2>Sign in</h2>
    <form id="sign-in-form">
      <button type="submit">Sign in with the issuer</button>
    </form>
    <p id="sign-in-error" role="alert"></p>
    <p class="note">Role admin. Signs in through the issuer's sign-in page (no password prompt while your issuer session lasts); the console holds a five-minute admin-audience token in this tab's memory only.</p>
  </section>
  <section id="dashboard" hidden>
    <div class="actions">
      <button id="reload" type="button">Refresh</button>
      <button id="rotate" type="button">Rotate now…</button>
      <span id="status" role="status"></span>
    </div>
    <h2>Key timeline</h2>
    <div id="timeline"></div>
    <h2>Keys and traffic</h2>
    <p class="note">Signed: tokens this issuer replica signed with the key since it started. Verified: tokens its own guard checked. Each service's /metrics has its own count (auth_guard_verifications_by_kid_total).</p>
    <table id="keys"><thead><tr><th>kid</th><th>alg</th><th>state</th><th>next</th><th>signed</th><th>verified</th><th></th></tr></thead><tbody></tbody></table>
    <h2>Recent security events</h2>
    <table id="events"><thead><tr><th>time (UTC)</th><th>event</th><th>subject</th><th>details</th></tr></thead><tbody></tbody></table>
  </section>
  <dialog id="confirm">
    <p id="confirm-text"></p>
    <label id="confirm-typed-label" hidden>Type the kid to confirm <input id="confirm-typed" autocomplete="off"></label>
    <div class="actions">
      <button id="confirm-cancel" type="button">Cancel</button>
      <button id="confirm-ok" type="button" class="danger">Confirm</button>
    </div>
  </dialog>
</main>
</body>
</html>
`;

export const CONSOLE_CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0; }
header { display: flex; align-items: center; gap: 1rem; padding: 0.75rem 1.5rem; background: #1d2330; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
main { padding: 1rem 1.5rem; max-width: 1100px; }
h2 { font-size: 1rem; margin: 1.5rem 0 0.5rem; }
form label, dialog label { display: block; margin: 0.5rem 0; }
input { font: inherit; padding: 0.3rem; margin-left: 0.5rem; }
button { font: inherit; padding: 0.35rem 0.8rem; border: 1px solid #8a93a6; border-radius: 4px; background: #fff; cursor: pointer; }
button.danger { border-color: #b3261e; color: #b3261e; }
.actions { display: flex; gap: 0.5rem; align-items: center; }
.note { color: #5b6475; font-size: 0.85rem; }
#sign-in-error, .error { color: #b3261e; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 0.85rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
td.details { font-family: ui-monospace, monospace; word-break: break-all; }
#timeline svg { width: 100%; height: auto; background: #fff; border: 1px solid #e3e6eb; }
#timeline text { font-size: 11px; fill: #1d2330; }
dialog { border: 1px solid #8a93a6; border-radius: 6px; max-width: 32rem; }
`;
