// The Workflows dashboard: vanilla JavaScript over the HTTP API (no framework, no build step).
// Every value from the API is put into the page as text (textContent), never as HTML.
(function () {
  "use strict";
  const api = document.querySelector('meta[name="workflows-api"]').content;
  const main = document.getElementById("main");
  const SVG = "http://www.w3.org/2000/svg";
  let cleanup = [];

  // ---- helpers ----------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }
  function badge(status) { return el("span", { class: "badge s-" + status, "data-status": status }, status); }
  function time(value) { return value ? new Date(value).toLocaleString() : ""; }
  function duration(a, b) {
    if (!a || !b) return "";
    const ms = new Date(b) - new Date(a);
    return ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(1) + " s";
  }
  async function getJson(path) {
    const response = await fetch(api + path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw problem(response, body);
    return body;
  }
  // Steering requests are JSON from this origin: the API refuses HTML forms and other sites (no CSRF).
  async function postJson(path, data) {
    const response = await fetch(api + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw problem(response, body);
    return body;
  }
  function problem(response, body) {
    const error = new Error((body && (body.detail || body.title)) || response.status + " " + response.statusText);
    error.status = response.status;
    error.errors = body && body.errors;
    return error;
  }
  function notice(text, bad) { return el("div", { class: "notice" + (bad ? " bad" : ""), role: bad ? "alert" : null }, text); }
  function show(...nodes) { main.replaceChildren(...nodes); }
  function onCleanup(fn) { cleanup.push(fn); }

  // ---- router -------------------------------------------------------------------------------------
  async function route() {
    cleanup.forEach(fn => fn());
    cleanup = [];
    const hash = location.hash.replace(/^#/, "") || "/runs";
    const parts = hash.split("/").filter(Boolean).map(decodeURIComponent);
    document.getElementById("nav-runs").classList.toggle("active", parts[0] === "runs");
    document.getElementById("nav-workflows").classList.toggle("active", parts[0] === "workflows");
    try {
      if (parts[0] === "workflows" && parts[1]) await workflowPage(parts[1]);
      else if (parts[0] === "workflows") await workflowsPage();
      else if (parts[0] === "runs" && parts[1]) await runPage(parts[1]);
      else await runsPage();
    } catch (error) {
      show(notice(error.message, true));
    }
  }
  window.addEventListener("hashchange", route);

  // ---- runs list ----------------------------------------------------------------------------------
  async function runsPage() {
    const workflows = await getJson("/workflows");
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const workflow = el("select", { id: "filter-workflow", "aria-label": "Workflow" }, el("option", { value: "" }, "all workflows"),
      workflows.map(w => el("option", { value: w.name }, w.name)));
    const status = el("select", { id: "filter-status", "aria-label": "Status" }, el("option", { value: "" }, "any status"),
      ["pending", "running", "paused", "waiting", "succeeded", "failed", "cancelled"].map(s => el("option", { value: s }, s)));
    workflow.value = params.get("workflow") || "";
    status.value = params.get("status") || "";
    const body = el("tbody");
    const table = el("table", { id: "runs" }, el("thead", {}, el("tr", {}, ["Run", "Workflow", "Status", "Started", "Ended", "Error"].map(h => el("th", {}, h)))), body);
    const updated = el("span", { class: "muted" });
    async function refresh() {
      const query = new URLSearchParams();
      if (workflow.value) query.set("workflow", workflow.value);
      if (status.value) query.set("status", status.value);
      query.set("limit", "100");
      const runs = await getJson("/runs?" + query);
      body.replaceChildren(...runs.map(r => el("tr", { "data-run": r.runId },
        el("td", {}, el("a", { href: "#/runs/" + encodeURIComponent(r.runId) }, r.runId.slice(0, 12))),
        el("td", {}, el("a", { href: "#/workflows/" + encodeURIComponent(r.workflow) }, r.workflow)),
        el("td", {}, badge(r.status), r.durable ? "" : el("span", { class: "muted" }, " (in memory)")),
        el("td", {}, time(r.createdAt)), el("td", {}, time(r.completedAt)), el("td", { class: "error" }, r.error || ""))));
      if (runs.length === 0) body.append(el("tr", {}, el("td", { colspan: 6, class: "muted" }, "No runs.")));
      updated.textContent = "updated " + new Date().toLocaleTimeString();
    }
    const change = () => { history.replaceState(null, "", "#/runs?" + new URLSearchParams({ workflow: workflow.value, status: status.value })); refresh(); };
    workflow.addEventListener("change", change);
    status.addEventListener("change", change);
    show(el("h1", {}, "Runs"), el("div", { class: "filters" }, workflow, status, updated), table);
    await refresh();
    const timer = setInterval(() => refresh().catch(() => {}), 3000); // auto-refresh
    onCleanup(() => clearInterval(timer));
  }

  // ---- workflows ----------------------------------------------------------------------------------
  async function workflowsPage() {
    const workflows = await getJson("/workflows");
    show(el("h1", {}, "Workflows"), el("table", { id: "workflows" },
      el("thead", {}, el("tr", {}, ["Workflow", "Description", "Durable", "Steps", "Triggers"].map(h => el("th", {}, h)))),
      el("tbody", {}, workflows.map(w => el("tr", {},
        el("td", {}, el("a", { href: "#/workflows/" + encodeURIComponent(w.name) }, w.name)),
        el("td", {}, w.description || ""), el("td", {}, w.durable ? "yes" : "no"), el("td", {}, w.steps),
        el("td", {}, w.triggers.join(", ")))))));
  }

  async function workflowPage(name) {
    const workflow = await getJson("/workflows/" + encodeURIComponent(name));
    const form = el("form", { class: "form", id: "start-form" });
    const message = el("div");
    const fields = {};
    for (const input of workflow.inputs) {
      let control;
      const id = "input-" + input.name;
      if (input.jsonType === "boolean") {
        control = el("input", { type: "checkbox", id, name: input.name, checked: input.default === "true" });
      } else if (input.jsonType === "integer" || input.jsonType === "number") {
        control = el("input", { type: "number", id, name: input.name, step: input.jsonType === "integer" ? "1" : "any", value: input.default ?? "" });
      } else if (input.jsonType === "array") {
        control = el("textarea", { id, name: input.name, placeholder: "[ ... ] as JSON" }, input.default ?? "");
      } else {
        control = el("input", { type: "text", id, name: input.name, value: input.default ?? "", required: input.required });
      }
      const problemText = el("div", { class: "problem", id: "problem-" + input.name });
      fields[input.name] = { input, control, problemText };
      form.append(el("div", { class: "field" },
        el("label", { for: id }, input.name, input.required ? " *" : ""),
        control,
        el("div", { class: "hint" }, input.type + (input.description ? " · " + input.description : "") + (input.default !== null ? " · default " + input.default : "")),
        problemText));
    }
    if (workflow.inputs.length === 0) form.append(el("p", { class: "muted" }, "This workflow has no inputs."));
    const start = el("button", { type: "submit", class: "primary", id: "start" }, "Start run");
    form.append(el("div", { class: "actions" }, start), message);
    form.addEventListener("submit", async event => {
      event.preventDefault();
      message.replaceChildren();
      const inputs = {};
      for (const { input, control, problemText } of Object.values(fields)) {
        problemText.textContent = "";
        if (input.jsonType === "boolean") { inputs[input.name] = control.checked; continue; }
        const text = control.value.trim();
        if (text === "" && !input.required) continue;
        if (input.jsonType === "integer" || input.jsonType === "number") inputs[input.name] = text === "" ? text : Number(text);
        else if (input.jsonType === "array") {
          try { inputs[input.name] = JSON.parse(text); } catch { problemText.textContent = "Not valid JSON."; return; }
        } else if (input.jsonType === "any") {
          // The app's own type (a record as JSON, an enum by name): JSON when it is, else the text.
          try { inputs[input.name] = JSON.parse(text); } catch { inputs[input.name] = text; }
        } else inputs[input.name] = text;
      }
      start.disabled = true;
      try {
        const created = await postJson("/workflows/" + encodeURIComponent(name) + "/runs", inputs);
        location.hash = "#/runs/" + encodeURIComponent(created.runId);
      } catch (error) {
        message.append(notice(error.message, true));
        for (const [field, problems] of Object.entries(error.errors || {})) {
          if (fields[field]) fields[field].problemText.textContent = problems.join(" ");
          else message.append(notice(field + ": " + problems.join(" "), true));
        }
      } finally {
        start.disabled = false;
      }
    });
    const schedules = workflow.schedules.map(s => el("li", {}, s.cron + " (" + s.timeZone + ")" + (s.next ? ", next " + time(s.next) : "")));
    show(el("h1", {}, workflow.name), el("p", { class: "muted" }, workflow.description || "", workflow.durable ? " · durable" : ""),
      el("h2", {}, "Graph"), dag(workflow.steps, {}),
      schedules.length ? el("div", {}, el("h2", {}, "Schedules"), el("ul", {}, schedules)) : "",
      el("h2", {}, "Start a run"), form,
      el("p", {}, el("a", { href: "#/runs?workflow=" + encodeURIComponent(name) }, "Runs of " + name)));
  }

  // ---- the graph: columns from the static batches (levels), steps colored by status ---------------
  function dag(steps, statuses) {
    const W = 160, H = 36, GX = 60, GY = 18, PAD = 16;
    const rows = {};
    const place = {};
    for (const step of steps) {
      const row = rows[step.level] = (rows[step.level] ?? -1) + 1;
      place[step.id] = { x: PAD + step.level * (W + GX), y: PAD + row * (H + GY) };
    }
    const levels = Math.max(0, ...steps.map(s => s.level)) + 1;
    const height = PAD * 2 + Math.max(1, ...Object.values(rows).map(r => r + 1)) * (H + GY) - GY;
    const root = svg("svg", { class: "dag", id: "dag", width: PAD * 2 + levels * (W + GX) - GX, height, role: "img", "aria-label": "The workflow's steps and dependencies" });
    for (const step of steps) {
      for (const dep of step.dependsOn) {
        const a = place[dep], b = place[step.id];
        if (!a || !b) continue;
        const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
        root.append(svg("path", { class: "edge", d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, "data-from": dep, "data-to": step.id }));
      }
    }
    for (const step of steps) {
      const p = place[step.id];
      const status = statuses[step.id] || "waiting";
      const label = step.id.length > 22 ? step.id.slice(0, 21) + "…" : step.id;
      const node = svg("g", { class: "node s-" + status, "data-step": step.id, "data-status": status, transform: `translate(${p.x},${p.y})` },
        svg("title", {}, (step.name ? step.name + " · " : "") + step.id + " (" + step.action + "): " + status),
        svg("rect", { width: W, height: H, rx: 6 }),
        svg("text", { x: 10, y: 22 }, label));
      root.append(node);
    }
    return root;
  }

  function timeline(run) {
    const steps = run.steps.filter(s => s.startedAt);
    const W = 640, ROW = 20, LEFT = 150;
    const root = svg("svg", { class: "timeline", id: "timeline", width: LEFT + W + 20, height: Math.max(1, steps.length) * ROW + 20 });
    if (steps.length === 0) return root;
    const start = Math.min(...steps.map(s => new Date(s.startedAt)));
    const end = Math.max(...steps.map(s => new Date(s.completedAt || Date.now())));
    const span = Math.max(1, end - start);
    steps.forEach((s, i) => {
      const a = new Date(s.startedAt) - start, b = new Date(s.completedAt || Date.now()) - start;
      const y = 10 + i * ROW;
      root.append(svg("text", { x: 8, y: y + 13 }, s.id),
        svg("rect", { class: "bar s-" + s.status, x: LEFT + (a / span) * W, y: y + 3, width: Math.max(2, ((b - a) / span) * W), height: ROW - 6, rx: 3 },
          svg("title", {}, s.id + ": " + duration(s.startedAt, s.completedAt || new Date().toISOString()))));
    });
    return root;
  }

  // ---- one run: live through the event stream ----------------------------------------------------
  async function runPage(id) {
    let run = await getJson("/runs/" + encodeURIComponent(id));
    const workflow = await getJson("/workflows/" + encodeURIComponent(run.workflow)).catch(() => null);
    const steps = workflow ? workflow.steps : run.steps.map((s, i) => ({ id: s.id, action: "", dependsOn: [], level: i }));
    const title = el("h1", {}, "Run ", el("code", {}, id));
    const header = el("div");
    const buttons = {};
    const message = el("div", { id: "message" });
    for (const verb of ["pause", "resume", "cancel", "retry"]) {
      buttons[verb] = el("button", { type: "button", id: verb, onclick: () => steer(verb) }, verb[0].toUpperCase() + verb.slice(1));
    }
    // A waiting run's signals: pick one, write its payload (an approval, a rejection...), send it.
    const signalPanel = el("div", { id: "signal" });
    async function sendSignal(name, text) {
      message.replaceChildren();
      let payload;
      try { payload = text.trim() ? JSON.parse(text) : undefined; }
      catch (error) { message.append(notice("The payload is not JSON: " + error.message, true)); return; }
      try { render(await postJson("/runs/" + encodeURIComponent(id) + "/signals/" + encodeURIComponent(name), payload)); message.append(notice("signal " + name + ": sent")); }
      catch (error) { message.append(notice(error.message + (error.errors ? " " + Object.values(error.errors).flat().join(" ") : ""), true)); }
      finally { follow(); }
    }
    function renderSignals() {
      const names = run.signals || [];
      const key = names.join(",");
      if (signalPanel.dataset.for === key) return; // keep what the user is typing
      signalPanel.dataset.for = key;
      if (!names.length) { signalPanel.replaceChildren(); return; }
      const select = el("select", { id: "signal-name" }, ...names.map(n => el("option", { value: n }, n)));
      const payload = el("textarea", { id: "signal-payload", rows: 3, cols: 50, placeholder: '{"Approved": true}' });
      const send = el("button", { type: "button", class: "primary", id: "send-signal", onclick: () => sendSignal(select.value, payload.value) }, "Send signal");
      signalPanel.replaceChildren(el("h2", {}, "Waiting for a signal"), el("p", {}, select), el("p", {}, payload), el("p", {}, send));
    }
    const graph = el("div");
    const lines = el("div");
    const table = el("tbody");
    const events = el("tbody");
    async function steer(verb) {
      message.replaceChildren();
      buttons[verb].disabled = true;
      try { render(await postJson("/runs/" + encodeURIComponent(id) + "/" + verb)); message.append(notice(verb + ": requested")); }
      catch (error) { message.append(notice(error.message, true)); }
      finally { follow(); }
    }
    function render(next) {
      run = next;
      const statuses = Object.fromEntries(run.steps.map(s => [s.id, s.status]));
      const bar = el("div", { class: "progress", role: "progressbar", "aria-valuenow": run.progress.percent, "aria-valuemin": 0, "aria-valuemax": 100 }, el("div"));
      bar.firstChild.style.width = run.progress.percent + "%";
      header.replaceChildren(
        el("p", {}, el("a", { href: "#/workflows/" + encodeURIComponent(run.workflow) }, run.workflow), " ", el("span", { id: "run-status" }, badge(run.status)),
          run.durable ? "" : el("span", { class: "muted" }, " (not durable: kept in memory)")),
        el("p", {}, bar, " ", run.progress.done + " of " + run.progress.total + " steps (" + run.progress.percent + "%)",
          run.runningSteps.length ? " · running: " + run.runningSteps.join(", ") : "", run.waitingFor ? " · waiting for " + run.waitingFor : ""),
        run.error ? el("p", { class: "error", id: "run-error" }, run.error) : "",
        run.outputs ? el("pre", { id: "outputs" }, JSON.stringify(run.outputs, null, 2)) : "");
      const active = ["running", "pending", "waiting"].includes(run.status);
      buttons.pause.disabled = !run.durable || !active;
      buttons.resume.disabled = run.status !== "paused";
      buttons.cancel.disabled = !(active || run.status === "paused");
      buttons.retry.disabled = !["failed", "cancelled"].includes(run.status) || !run.durable;
      renderSignals();
      graph.replaceChildren(dag(steps, statuses));
      lines.replaceChildren(timeline(run));
      table.replaceChildren(...run.steps.map(s => el("tr", { "data-step": s.id },
        el("td", {}, s.id), el("td", {}, badge(s.status)), el("td", {}, s.attempts), el("td", {}, time(s.startedAt)),
        el("td", {}, duration(s.startedAt, s.completedAt)), el("td", { class: "error" }, s.error || ""))));
      events.replaceChildren(...run.events.slice(-50).reverse().map(e => el("tr", {},
        el("td", {}, time(e.at)), el("td", {}, e.kind), el("td", {}, e.stepId || ""), el("td", {}, e.detail || ""))));
    }
    let source = null;
    function follow() {
      if (source) source.close();
      source = new EventSource(api + "/runs/" + encodeURIComponent(id) + "/events", { withCredentials: true });
      source.addEventListener("run", e => render(JSON.parse(e.data)));
      source.addEventListener("end", () => { source.close(); });
      source.onerror = () => { if (source.readyState === EventSource.CLOSED) source = null; };
    }
    onCleanup(() => source && source.close());
    show(title, header, el("div", { class: "actions" }, Object.values(buttons)), message, signalPanel,
      el("h2", {}, "Graph"), graph, el("h2", {}, "Timeline"), lines,
      el("h2", {}, "Steps"), el("table", { id: "steps" }, el("thead", {}, el("tr", {}, ["Step", "Status", "Attempts", "Started", "Took", "Error"].map(h => el("th", {}, h)))), table),
      el("h2", {}, "History"), el("table", { id: "events" }, el("thead", {}, el("tr", {}, ["At", "Event", "Step", "Detail"].map(h => el("th", {}, h)))), events));
    render(run);
    follow();
  }

  route();
})();
