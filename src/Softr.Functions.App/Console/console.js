// The operator console: a few views over the admin API, drawn with plain DOM calls (text is always set
// as text, never as HTML). The admin key lives in this tab's sessionStorage only: never in a URL, never
// in localStorage, gone on sign-out. Views are addressed by the URL's fragment (#events, #event/{id}).
"use strict";
(() => {
  const keyName = "softr-functions-key";
  const $ = id => document.getElementById(id);
  const view = $("view");
  let chart = null;
  let watch = null; // the timer that re-reads an unfinished event's page

  // --- helpers ------------------------------------------------------------------------------------
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else if (name === "className") element.className = value;
      else element.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }
  const time = at => at ? new Date(at).toLocaleString() : "";
  const number = n => (n ?? 0).toLocaleString();
  const duration = seconds => seconds < 1 ? "now" : seconds < 90 ? `${Math.round(seconds)} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
  const query = params => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") search.set(name, value);
    const text = search.toString();
    return text ? "?" + text : "";
  };
  function announce(text) { $("status").textContent = text; }

  class ApiError extends Error {
    constructor(status, problem) { super(problem?.detail ?? problem?.title ?? `The API answered ${status}.`); this.status = status; }
  }
  async function api(path, options = {}) {
    // Admin POSTs are JSON, an empty body included: the app refuses any other (it is what a cross-site form would send).
    const json = options.method === "POST" ? { "content-type": "application/json" } : {};
    const response = await fetch(path, { ...options, headers: { "x-functions-key": sessionStorage.getItem(keyName) ?? "", ...json, ...(options.headers ?? {}) } });
    if (response.status === 401 || response.status === 403) { signOut(); throw new ApiError(response.status, { detail: "The key was refused." }); }
    const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  function render(title, ...content) {
    if (chart) { chart.destroy(); chart = null; }
    clearTimeout(watch);
    const heading = h("h1", { tabindex: "-1" }, title);
    view.replaceChildren(heading, ...content.flat().filter(part => part !== null && part !== undefined && part !== false));
    document.title = `${title} · Softr.Functions console`;
    return heading;
  }
  function table(caption, headers, rows, empty) {
    if (rows.length === 0) return h("p", { className: "muted" }, empty);
    return h("div", { className: "table-wrap" }, h("table", {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map(([text, numeric]) => h("th", { scope: "col", className: numeric ? "num" : null }, text)))),
      h("tbody", {}, rows)));
  }
  const td = (content, className) => h("td", { className }, content);
  const eventLink = id => h("a", { href: `#event/${encodeURIComponent(id)}`, className: "mono" }, id);

  // --- overview -----------------------------------------------------------------------------------
  async function showOverview() {
    const overview = await api("manage/overview?hours=24");
    const refused = hook => Object.entries(hook.refused);
    const hookRows = overview.hooks.map(hook => h("tr", { "data-hook": hook.hook },
      td(hook.hook), td(number(hook.received), "num"), td(number(hook.accepted), "num"), td(number(hook.duplicates), "num"),
      td(number(hook.ignored), "num hide-narrow"),
      td(refused(hook).length === 0 ? "0" : refused(hook).map(([reason, count]) => `${reason}: ${number(count)}`).join(", ")),
      td(number(hook.succeeded), "num"), td(number(hook.retried), "num hide-narrow"), td(number(hook.deadLettered), "num")));
    const softr = overview.softr;
    const plot = h("div", { className: "chart", id: "per-minute", role: "img",
      "aria-label": "Events per minute over the last 24 hours by outcome: " + Object.entries(overview.perMinute.series).map(([name, values]) => `${name} ${number(values.reduce((a, b) => a + b, 0))}`).join(", ") });
    // The chart opens on the shortest range that holds every minute with activity; the buttons choose another.
    const ranges = [1, 6, 24];
    const active = overview.perMinute.minutes.findIndex((_, i) => Object.values(overview.perMinute.series).some(values => values[i] > 0));
    const holding = active < 0 ? 1 : ranges.find(hours => overview.perMinute.minutes.length - active <= hours * 60) ?? 24;
    const rangeButtons = ranges.map(hours => h("button", { type: "button", "data-hours": hours, "aria-pressed": String(hours === holding) }, `${hours} h`));
    const rangeBar = h("div", { className: "ranges", role: "group", "aria-label": "Chart range" }, rangeButtons);
    rangeBar.addEventListener("click", event => {
      const hours = Number(event.target.dataset?.hours);
      if (!hours) return;
      rangeButtons.forEach(button => button.setAttribute("aria-pressed", String(button === event.target)));
      drawPlot(plot, overview.perMinute, hours);
    });
    const lanes = overview.lanes.map(lane => h("div", { className: "card", "data-lane": lane.lane },
      h("div", { className: "figure" }, number(lane.depth)), h("div", { className: "label" }, `waiting in the ${lane.lane} lane`),
      h("div", { className: "muted" }, lane.depth === 0 ? "empty"
        : `oldest ${duration(lane.oldestAgeSeconds)}; drained in about ${duration(lane.drainSeconds)}, ` +
          (lane.sharePerSecond > 0 ? `at ${lane.sharePerSecond.toFixed(0)} writes/s` : "once the lanes above have drained"))));
    render("Overview",
      h("p", { className: "muted" }, `Last 24 hours, ${time(overview.from)} to ${time(overview.to)}. Counts are written by each instance every few seconds.`),
      h("section", { "aria-labelledby": "hooks-title" }, h("h2", { id: "hooks-title" }, "Hooks"),
        table("Per hook, last 24 hours", [["Hook"], ["Received", 1], ["Accepted", 1], ["Duplicates", 1], ["Ignored", 1], ["Refused (by reason)"], ["Succeeded", 1], ["Retried", 1], ["Dead-lettered", 1]],
          hookRows, "No hooks are configured.")),
      h("section", { "aria-labelledby": "plot-title" }, h("h2", { id: "plot-title" }, "Events per minute"), rangeBar, plot),
      h("section", { "aria-labelledby": "health-title" }, h("h2", { id: "health-title" }, "Lanes and Softr"),
        h("p", { className: "muted" }, "Each lane's queues (its overflow too), the oldest event waiting, and how long until its backlog is drained at the lane's share of Softr's writes, after the lanes above it (one write per event; high goes first, bulk keeps a tenth)."),
        h("div", { className: "cards" },
          lanes,
          overview.queues.filter(queue => queue.queue.endsWith("-poison") && queue.depth > 0).map(queue => h("div", { className: "card", "data-queue": queue.queue },
            h("div", { className: "figure" }, number(queue.depth)), h("div", { className: "label" }, `poison in ${queue.queue}`),
            h("div", { className: "muted" }, "dead-lettered as it is handled"))),
          h("div", { className: "card", id: "softr-429" }, h("div", { className: "figure" }, `${(softr.throttledShare * 100).toFixed(1)}%`),
            h("div", { className: "label" }, "of Softr calls answered 429"), h("div", { className: "muted" }, `${number(softr.throttled)} of ${number(softr.calls)} calls`)),
          h("div", { className: "card" }, h("div", { className: "figure" }, number(softr.budgetWaits)),
            h("div", { className: "label" }, "waits for the shared budget"), h("div", { className: "muted" }, `${softr.budgetWaitSeconds} s in all`))),
        // Each Softr app on its own: a flood on one token shows here without hiding behind the app-wide share.
        table("Per Softr app (connection), last 24 hours; waits are the token's, shared by the apps on it",
          [["Connection"], ["Domain"], ["Calls", 1], ["Answered 429", 1], ["Budget waits", 1], ["Dead letters"]],
          softr.connections.map(connection => h("tr", { "data-connection": connection.name },
            td(connection.name + (connection.sharesBudgetWith.length ? ` (token shared with ${connection.sharesBudgetWith.join(", ")})` : "")),
            td(connection.domain || "none (databases only)", "hide-narrow"), td(number(connection.calls), "num"),
            td(`${number(connection.throttled)} (${(connection.throttledShare * 100).toFixed(1)}%)`, "num"),
            td(`${number(connection.budgetWaits)} (${connection.budgetWaitSeconds} s)`, "num"),
            td(h("a", { href: "#dead-letters" + query({ connection: connection.name }) }, "see")))),
          "No Softr connection is configured.")),
      h("section", { "aria-labelledby": "dead-title" }, h("h2", { id: "dead-title" }, "Dead letters by cause"),
        table("Dead-lettered in the last 24 hours", [["Cause"], ["Count", 1], ["Hooks"]],
          overview.deadLetters.map(cause => h("tr", {}, td(h("a", { href: `#dead-letters/${encodeURIComponent(cause.cause)}` }, cause.cause)), td(number(cause.count), "num"), td(cause.hooks.join(", ")))),
          "No dead letters in the last 24 hours.")));
    drawPlot(plot, overview.perMinute, holding);
  }

  /** The last <hours> of the per-minute series. */
  function drawPlot(container, perMinute, hours) {
    if (chart) { chart.destroy(); chart = null; }
    if (typeof uPlot !== "function") { container.replaceChildren(h("p", { className: "muted" }, "The chart library did not load.")); return; }
    container.dataset.hours = hours;
    const colours = { accepted: "#0b5cad", refused: "#b42318", duplicate: "#8250df", succeeded: "#1a7f37", retried: "#9a6700", "dead-lettered": "#57606a" };
    const names = Object.keys(perMinute.series);
    const from = Math.max(0, perMinute.minutes.length - hours * 60);
    const data = [perMinute.minutes.slice(from).map(minute => Date.parse(minute) / 1000), ...names.map(name => perMinute.series[name].slice(from))];
    const width = Math.max(300, container.clientWidth - 16);
    chart = new uPlot({
      width, height: 220,
      series: [{}, ...names.map(name => ({ label: name, stroke: colours[name] ?? "#333", width: 1.5 }))],
      axes: [{}, { label: "per minute" }],
      scales: { x: { time: true } },
    }, data, container);
  }

  // --- events -------------------------------------------------------------------------------------
  const statuses = ["Accepted", "Processing", "Succeeded", "Failed", "Deferred", "DeadLettered"];
  async function showEvents(params) {
    const hooks = await api("manage/hooks");
    const filters = h("form", { className: "panel filters", id: "event-filters", "aria-label": "Filter events" },
      h("div", {}, h("label", { for: "f-search" }, "Event id or sender's id"), h("input", { id: "f-search", name: "search", value: params.search ?? "", autocomplete: "off" })),
      h("div", {}, h("label", { for: "f-hook" }, "Hook"), h("select", { id: "f-hook", name: "hook" }, h("option", { value: "" }, "Any"),
        hooks.map(hook => h("option", { value: hook.name, selected: params.hook === hook.name }, hook.name)))),
      h("div", {}, h("label", { for: "f-status" }, "Status"), h("select", { id: "f-status", name: "status" }, h("option", { value: "" }, "Any"),
        statuses.map(status => h("option", { value: status, selected: params.status === status }, status)))),
      h("div", {}, h("label", { for: "f-from" }, "From"), h("input", { id: "f-from", name: "from", type: "datetime-local", value: params.from ?? "" })),
      h("div", {}, h("label", { for: "f-to" }, "To"), h("input", { id: "f-to", name: "to", type: "datetime-local", value: params.to ?? "" })),
      h("div", {}, h("button", { type: "submit", className: "primary" }, "Show"), " ", h("button", { type: "button", id: "refresh", onclick: () => route() }, "Refresh")));
    filters.addEventListener("submit", async event => {
      event.preventDefault();
      const form = Object.fromEntries(new FormData(filters));
      const search = form.search.trim();
      if (search) {
        // An event id opens the event; anything else is looked up as the sender's own id.
        try { await api(`manage/events/${encodeURIComponent(search)}`); location.hash = `#event/${encodeURIComponent(search)}`; return; }
        catch (error) { if (error.status !== 404) throw error; }
      }
      location.hash = "#events" + query({ ...form, search });
    });
    const localToIso = value => value ? new Date(value).toISOString() : "";
    const page = await api("manage/events" + query({
      hook: params.hook, status: params.status, from: localToIso(params.from), to: localToIso(params.to),
      senderEventId: params.search, limit: 50, next: params.next }));
    const rows = page.items.map(item => h("tr", { "data-event-id": item.eventId },
      td(time(item.receivedAt)), td(item.hook), td(item.type, "hide-narrow"), td(item.status, "status-" + item.status),
      td(item.cause ?? "", "hide-narrow"), td(eventLink(item.eventId))));
    render("Events", filters,
      table("Events, newest first", [["Received"], ["Hook"], ["Type"], ["Status"], ["Cause"], ["Event"]], rows,
        "No events match. An event is listed once its first processing attempt has ended."),
      h("div", { className: "pager" }, page.next ? h("a", { href: "#events" + query({ ...params, next: page.next }), id: "next-page" }, "Next page") : null));
    announce(`${page.items.length} events shown`);
  }

  // --- one event ----------------------------------------------------------------------------------
  async function showEvent(id) {
    let detail;
    try {
      detail = await api(`manage/events/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error.status !== 404) throw error;
      // Accepted but not picked up yet: the door records nothing, processing's first write does.
      render(`Event ${id}`, h("p", { id: "event-status" }, "Not recorded yet: an accepted event appears here when processing picks it up, usually within seconds. This page looks again every 2 seconds."));
      const shown = location.hash;
      watch = setTimeout(() => { if (location.hash === shown) showEvent(id).catch(() => {}); }, 2000);
      return;
    }
    const record = detail.event;
    const entries = [
      ...record.history.map(entry => ({ at: entry.at, node: h("li", {}, h("strong", { className: "status-" + entry.status }, entry.status), " ", h("span", { className: "muted" }, time(entry.at)),
        entry.detail ? h("div", {}, entry.detail) : null) })),
      ...record.steps.map(step => ({ at: step.at, node: h("li", { "data-step": `${step.automation}/${step.step}` },
        h("strong", {}, `Step ${step.automation} / ${step.step}: ${step.action}`), " ", h("span", { className: "muted" }, `${step.state} ${time(step.at)}${step.durationMs !== undefined ? `, ${step.durationMs} ms` : ""}`),
        step.calls.length ? h("ul", { "aria-label": "Softr calls" }, step.calls.map(call => h("li", { className: "mono" },
          `${call.method} ${call.path} → ${call.status === 0 ? "no answer" : call.status} in ${call.ms} ms`))) : null,
        Object.keys(step.outputs).length ? h("div", { className: "muted" }, Object.entries(step.outputs).map(([name, value]) => `${name}: ${value ?? ""}`).join(" · ")) : null) })),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const replay = detail.replayable
      ? h("button", { type: "button", className: "primary", id: "replay", onclick: async event => {
          event.target.disabled = true;
          const item = await api(`manage/events/${encodeURIComponent(id)}/replay`, { method: "POST" });
          announce(`Replay: ${item.result}`);
          await showEvent(id);
        } }, "Replay")
      : null;
    render(`Event ${record.id}`,
      h("dl", { className: "panel facts" },
        h("dt", {}, "Status"), h("dd", { className: "status-" + record.status, id: "event-status" }, record.status + (record.cause ? ` (${record.cause})` : "")),
        h("dt", {}, "Hook"), h("dd", {}, record.hook), h("dt", {}, "Type"), h("dd", {}, record.type),
        h("dt", {}, "Received"), h("dd", {}, time(record.receivedAt)), h("dt", {}, "Updated"), h("dd", {}, time(record.updatedAt))),
      replay,
      h("section", { "aria-labelledby": "timeline-title" }, h("h2", { id: "timeline-title" }, "Timeline"), h("ol", { className: "timeline" }, entries.map(entry => entry.node))),
      h("section", { "aria-labelledby": "payload-title" }, h("h2", { id: "payload-title" }, "Payload (personal data masked)"),
        detail.payload !== null && detail.payload !== undefined ? h("pre", { id: "payload" }, JSON.stringify(detail.payload, null, 2)) : h("p", { className: "muted" }, detail.payloadNote ?? "")),
      h("section", { "aria-labelledby": "plan-title" }, h("h2", { id: "plan-title" }, "Plan"),
        detail.plan ? planView(detail.plan) : h("p", { className: "muted" }, "No plan was recorded (the event has not been evaluated yet).")));
    // Until it ends, the page follows the event (quietly: the focus stays where it is).
    if (!["Succeeded", "DeadLettered"].includes(record.status)) {
      const shown = location.hash;
      watch = setTimeout(() => { if (location.hash === shown) showEvent(id).catch(() => {}); }, 2000);
    }
  }

  // What the door would answer, and each automation's plan; a batch (HubSpot) shows each of its events.
  const verdicts = { accepted: "The door would take it, and queue it.", ignored: "The door would ignore it: the hook does not handle its type.", refused: "The door would refuse it." };
  function planView(result) {
    const eventView = event => h("div", { className: "event-plan", "data-verdict": event.verdict },
      h("p", { className: event.verdict === "refused" ? "error" : "muted" }, verdicts[event.verdict] + (event.eventType ? ` Type: ${event.eventType}.` : "")),
      event.problem ? h("p", { className: "error" }, `${event.problem.title}. ${event.problem.detail ?? ""}`) : null,
      event.problem?.errors ? h("ul", { className: "error" }, Object.entries(event.problem.errors).map(([where, messages]) => h("li", {}, `${where}: ${messages.join(" ")}`))) : null,
      event.automations.map(automation => h("div", { className: "panel" },
        h("strong", {}, automation.name), " ", h("span", { className: "muted" }, automation.status + (automation.reason ? `: ${automation.reason}` : "")),
        automation.steps.length ? h("ol", {}, automation.steps.map(step => h("li", {}, h("code", {}, step.action), " ",
          h("span", { className: "muted" }, Object.entries({ ...step.inputs, ...step.fields }).map(([name, value]) =>
            `${name} = ${value.sensitive ? "[sensitive]" : value.value ?? `(after earlier steps: ${value.deferred})`}`).join(" · "))))) : null,
        automation.errors?.length ? h("ul", { className: "error" }, automation.errors.map(error => h("li", {}, `${error.input}: ${error.error}`))) : null)));
    return h("div", { id: "plan" }, result.events
      ? [h("p", {}, `A batch of ${number(result.events.length)} event${result.events.length === 1 ? "" : "s"}, each taken on its own:`),
         ...result.events.map((event, index) => h("section", { "aria-label": `Event ${index + 1}` }, h("h3", {}, `Event ${index + 1}`), eventView(event)))]
      : eventView(result));
  }

  // --- dead letters -------------------------------------------------------------------------------
  // What to do about each cause before replaying it (README, "Processing"; docs/runbook.md has the long form).
  const advice = {
    "softr-quota": "Softr refused because the plan's cap (records or users) is reached. Raise the plan in Softr, then replay this cause.",
    "softr-conflict": "Softr refused a value that must be unique and is already taken. Fix the data or the automation, then replay.",
    "softr-unauthorized": "Softr refused the key or the app's domain. Check Softr:ApiKey and Softr:Domain, then replay.",
    "outcome-unknown": "A call that must not be repeated may or may not have reached Softr. Check Softr first; replay only what did not happen.",
    "action-defect": "An action made a Softr call it does not declare, a defect in its code; nothing was sent. Report it, and replay once a fixed release is deployed.",
    "secret-unreadable": "A credential an earlier step made can no longer be decrypted (the key ring lost its key). A replay runs that step again and makes a new one.",
    "not-configured": "A setting processing needs was not usable (an unresolved Key Vault reference). Fix it (see health), then replay.",
    "no-budget": "No Softr budget was granted for a day: check Processing:BudgetSeats against the instance count, then replay.",
    "retries-exhausted": "Failures that could pass went on too long (Softr or storage down). Once they answer, replay.",
  };

  async function showDeadLetters(cause, params) {
    const filter = { cause, hook: params.hook, connection: params.connection };
    const [causes, page] = await Promise.all([api("manage/dead-letters/causes" + query({ hook: params.hook, connection: params.connection })), api("manage/dead-letters" + query({ ...filter, limit: 100, next: params.next }))]);
    const preview = h("p", { id: "replay-preview", role: "status" });
    const replayAll = h("button", { type: "button", className: "primary", id: "replay-all", disabled: true, onclick: async () => {
      replayAll.disabled = true;
      const report = await api("manage/dead-letters/replay" + query(filter), { method: "POST" });
      announce(`${report.replayed} replayed`);
      preview.textContent = `${number(report.replayed)} of ${number(report.matched)} replayed. They are processed again now; the events list shows how they end.`;
    } }, "Replay them");
    const dryRun = h("button", { type: "button", id: "dry-run", onclick: async () => {
      const report = await api("manage/dead-letters/replay" + query({ ...filter, dryRun: true }), { method: "POST" });
      preview.textContent = `A replay would take ${number(report.matched)} dead letter${report.matched === 1 ? "" : "s"}${cause ? ` with cause ${cause}` : ""}${params.hook ? ` on ${params.hook}` : ""}${params.connection ? ` calling ${params.connection}` : ""}.`;
      replayAll.textContent = `Replay ${number(report.matched)}`;
      replayAll.disabled = report.matched === 0;
    } }, "Preview the replay (dry run)");
    render(cause ? `Dead letters: ${cause}` : "Dead letters",
      table("Dead letters by cause", [["Cause"], ["Count", 1], ["Hooks"], ["Latest"]],
        causes.map(group => h("tr", { "data-cause": group.cause }, td(h("a", { href: `#dead-letters/${encodeURIComponent(group.cause)}` + query({ connection: params.connection }), "aria-current": group.cause === cause ? "true" : null }, group.cause)),
          td(number(group.count), "num"), td(group.hooks.join(", ")), td(time(group.latest)))), "No dead letters."),
      params.connection ? h("p", { id: "connection-filter" }, `Only the hooks that call the Softr connection ${params.connection}. `, h("a", { href: "#dead-letters" }, "Every connection")) : null,
      cause ? h("p", {}, h("a", { href: "#dead-letters" + query({ connection: params.connection }) }, "All causes")) : null,
      cause && advice[cause] ? h("p", { className: "advice", id: "cause-advice" }, advice[cause]) : null,
      h("div", { className: "panel" }, h("p", {}, "Fix the cause first (a setting, Softr, the data), then replay. Steps that succeeded before are not done again."), dryRun, " ", replayAll, preview),
      table(cause ? `Dead letters with cause ${cause}, oldest first` : "Dead letters, oldest first", [["Dead-lettered"], ["Hook"], ["Cause"], ["Detail"], ["Event"]],
        page.items.map(letter => h("tr", { "data-event-id": letter.eventId }, td(time(letter.deadLetteredAt)), td(letter.hook), td(letter.cause), td(letter.detail), td(eventLink(letter.eventId)))),
        "Nothing to show."),
      page.next ? h("a", { href: `#dead-letters${cause ? "/" + encodeURIComponent(cause) : ""}` + query({ ...params, next: page.next }) }, "Next page") : null);
  }

  // --- hooks --------------------------------------------------------------------------------------
  async function showHooks() {
    const hooks = await api("manage/hooks");
    const result = h("div", { id: "dry-run-result", "aria-live": "polite" });
    const form = h("form", { className: "panel", id: "dry-run-form", "aria-labelledby": "dry-run-title" },
      h("h2", { id: "dry-run-title" }, "Dry run"),
      h("p", {}, "Paste a sample event to see the plan with every mapped value. Nothing is queued and Softr is not called."),
      h("label", { for: "dry-hook" }, "Hook"), h("select", { id: "dry-hook", name: "hook" }, hooks.map(hook => h("option", { value: hook.name }, hook.name))),
      h("label", { for: "dry-body" }, "Sample event (JSON)"), h("textarea", { id: "dry-body", name: "body", spellcheck: "false" }),
      h("button", { type: "submit", className: "primary" }, "Show the plan"), result);
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        const plan = await api(`manage/hooks/${encodeURIComponent(data.get("hook"))}/dry-run`, { method: "POST", headers: { "content-type": "application/json" }, body: data.get("body") });
        result.replaceChildren(planView(plan));
      } catch (error) {
        result.replaceChildren(h("p", { className: "error", role: "alert" }, error.message));
      }
    });
    render("Hooks",
      hooks.map(hook => h("section", { className: "panel", "aria-labelledby": `hook-${hook.name}`, "data-hook": hook.name },
        h("h2", { id: `hook-${hook.name}` }, hook.name),
        h("dl", { className: "facts" },
          h("dt", {}, "URL for the sender"), h("dd", { className: "mono" }, location.origin + hook.path),
          h("dt", {}, "Sender"), h("dd", {}, hook.sender),
          h("dt", {}, "Priority"), h("dd", { "data-priority": hook.priority }, `${hook.priority} (queue ${hook.queue}, overflow ${hook.queue}-overflow)`),
          h("dt", {}, "Events"), h("dd", {}, hook.events.length ? hook.events.join(", ") : "every type"),
          h("dt", {}, "Softr apps"), h("dd", { "data-connections": hook.connections.join(",") }, hook.connections.length ? hook.connections.join(", ") : "none (no automation)"),
          h("dt", {}, "Last event"), h("dd", {}, hook.lastEvent ? [eventLink(hook.lastEvent.eventId), ` ${hook.lastEvent.status}, ${time(hook.lastEvent.receivedAt)}`] : "none processed yet")),
        hook.automations.length === 0 ? h("p", { className: "muted" }, "No automation on this hook.") :
          hook.automations.map(automation => h("div", {}, h("h3", {}, automation.name + (automation.disabled ? " (disabled)" : "")
              + (automation.priority ? ` (priority ${automation.priority}: an event it matches takes the higher of this and the hook's)` : "")),
            automation.description ? h("p", {}, automation.description) : null,
            h("ol", {}, automation.steps.map(step => h("li", { "data-connection": step.connection }, h("code", {}, step.action), ` on ${step.connection} `, h("span", { className: "muted" },
              Object.entries({ ...step.inputs, ...step.fields }).map(([name, template]) => `${name} ← ${template}`).join(" · "))))))))),
      form);
  }

  // --- routing and sign-in ------------------------------------------------------------------------
  async function route() {
    if (!sessionStorage.getItem(keyName)) return;
    const [path, search] = (location.hash.slice(1) || "overview").split("?");
    const params = Object.fromEntries(new URLSearchParams(search ?? ""));
    const [name, argument] = [path.split("/")[0], decodeURIComponent(path.split("/").slice(1).join("/"))];
    for (const link of document.querySelectorAll("#nav a")) link.toggleAttribute("aria-current", link.getAttribute("href") === "#" + (name === "event" ? "events" : name));
    for (const link of document.querySelectorAll("#nav a[aria-current]")) link.setAttribute("aria-current", "page");
    try {
      if (name === "events") await showEvents(params);
      else if (name === "event") await showEvent(argument);
      else if (name === "dead-letters") await showDeadLetters(argument || undefined, params);
      else if (name === "hooks") await showHooks();
      else await showOverview();
      view.querySelector("h1")?.focus();
    } catch (error) {
      if (sessionStorage.getItem(keyName)) render("Something went wrong", h("p", { className: "error", role: "alert" }, error.message));
    }
  }

  function show(signedIn) {
    $("sign-in").hidden = signedIn;
    view.hidden = !signedIn;
    $("nav").hidden = !signedIn;
    $("sign-out").hidden = !signedIn;
  }
  function signOut() {
    sessionStorage.removeItem(keyName);
    $("key").value = "";
    view.replaceChildren();
    show(false);
  }
  $("sign-in").addEventListener("submit", async event => {
    event.preventDefault();
    sessionStorage.setItem(keyName, $("key").value);
    $("key").value = "";
    try {
      await api("manage/hooks");
      $("sign-in-error").hidden = true;
      show(true);
      await route();
    } catch (error) {
      $("sign-in-error").textContent = error.message;
      $("sign-in-error").hidden = false;
    }
  });
  $("sign-out").addEventListener("click", () => { signOut(); $("key").focus(); });
  window.addEventListener("hashchange", route);
  if (sessionStorage.getItem(keyName)) { show(true); route(); }
})();
