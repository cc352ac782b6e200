// The execution page (/ui/execution?arn=...): header, error-first banner, Stop / Redrive
// with their CLI equivalents, the live graph (server-sent events; the SVG is re-rendered by
// the server with the visualizer and swapped in), the state panel and the event history.
"use strict";

(() => {
  const {el, link, get, action, time, duration, mount, cli, aws, title, fail, executionBadge,
    badge, svgInto, errorBox, copyButton, json} = SFN;
  const arn = SFN.boot.params.arn;
  const ui = {};
  const page = {states: [], selected: null, events: [], token: null, started: null, source: null};

  function header(described, machineName) {
    ui.status = el("span", {id: "execution-status"}, executionBadge(described.status));
    ui.stopped = el("dd", {}, time(described.stopDate) || "—");
    ui.elapsed = el("dd", {}, "");
    ui.counts = el("dd", {}, "");
    return [el("nav", {class: "crumbs"}, link("/ui/", {}, "State machines"), " › ",
      link("/ui/machine", {arn: described.stateMachineArn}, machineName), " › ", described.name),
    el("div", {class: "page-head"}, el("h1", {}, described.name), ui.status),
    el("dl", {class: "meta"},
      el("dt", {}, "ARN"), el("dd", {}, el("code", {}, described.executionArn), " ",
        copyButton(described.executionArn, "Copy ARN")),
      el("dt", {}, "Started"), el("dd", {}, time(described.startDate)),
      el("dt", {}, "Stopped"), ui.stopped, el("dt", {}, "Duration"), ui.elapsed,
      el("dt", {}, "Events / state entries"), ui.counts,
      el("dt", {}, "Redrives"), el("dd", {}, String(described.redriveCount || 0)))];
  }

  function banner(data) {
    const b = data.banner;
    if (!b) return ui.banner.replaceChildren();
    const failed = data.executionStatus !== "RUNNING" && data.executionStatus !== "SUCCEEDED";
    ui.banner.className = failed ? "banner banner-failed" : "banner banner-caught";
    SFN.fill(ui.banner,
      failed ? el("p", {class: "banner-title"}, el("strong", {}, b.error || data.executionStatus),
        b.state ? [" in state ", el("button", {type: "button", class: "link state-link",
          onclick: () => select(b.state)}, b.state)] : null) : null,
      failed && b.cause ? el("pre", {class: "cause"}, b.cause) : null,
      b.caught.length ? el("p", {class: "caught"}, `Caught by a Catch (${b.caught.length}): `,
        b.caught.map((c, i) => [i ? ", " : "", el("button", {type: "button", class: "link",
          onclick: () => select(c.state)}, c.state), ` (${c.error || "error"})`])) : null);
  }

  function actions(described) {
    const stop = el("button", {type: "button", id: "stop", class: "danger",
      onclick: () => run("StopExecution", "Stop this execution?")}, "Stop");
    const redrive = el("button", {type: "button", id: "redrive",
      onclick: () => run("RedriveExecution", "Redrive: resume from the failed state?")}, "Redrive");
    ui.stop = stop; ui.redrive = redrive;
    ui.actionNote = el("span", {class: "muted", role: "status"});
    return el("section", {class: "actions"}, stop, redrive, ui.actionNote,
      cli([["sfn", "stop", arn], aws("stop-execution", "--execution-arn", arn),
        aws("redrive-execution", "--execution-arn", arn),
        ["sfn", "history", arn], ["sfn", "watch", arn]], "Equivalent CLI commands"));
  }

  async function run(name, question) {
    if (!window.confirm(question)) return;
    ui.actionNote.textContent = `${name}…`;
    try {
      await action(name, {executionArn: arn});
      ui.actionNote.textContent = `${name} sent.`;
    } catch (error) {
      ui.actionNote.replaceChildren(errorBox(error));
    }
  }

  function updateButtons(status, type) {
    const standard = type !== "EXPRESS";
    ui.stop.hidden = !(standard && status === "RUNNING");
    ui.redrive.hidden = !(standard && ["FAILED", "TIMED_OUT", "ABORTED"].includes(status));
  }

  function wireGraph(svg) {
    if (!svg) return;
    const byId = new Map(page.states.map((s) => [s.id, s]));
    svg.querySelectorAll("g.node").forEach((node) => {
      const state = byId.get(node.id);
      if (!state) return;
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", `${state.name}: ${state.label}`);
      node.setAttribute("data-state", state.name);
      node.classList.toggle("sfn-selected", state.name === page.selected);
      node.addEventListener("click", () => select(state.name));
      node.addEventListener("keydown", (e) => { if (e.key === "Enter") select(state.name); });
    });
  }

  function stateList() {
    ui.stateList.replaceChildren(...page.states.map((s) => el("li", {},
      el("button", {type: "button", class: "link", onclick: () => select(s.name)}, s.name), " ",
      badge(s.status, s.label))));
  }

  async function select(name) {
    page.selected = name;
    document.querySelectorAll("#graph g.node").forEach((n) =>
      n.classList.toggle("sfn-selected", n.getAttribute("data-state") === name));
    try {
      await Panel.show(ui.panel, arn, name);
    } catch (error) {
      ui.panel.replaceChildren(errorBox(error));
    }
  }

  function apply(data) {
    page.states = data.states;
    if (data.svg) wireGraph(svgInto(ui.graph, data.svg));
    else wireGraph(ui.graph.querySelector("svg"));
    ui.status.replaceChildren(executionBadge(data.executionStatus));
    ui.stopped.textContent = time(data.stopDate) || "—";
    ui.elapsed.textContent = data.summary.elapsed || "—";
    ui.counts.textContent = `${data.summary.events} / ${data.summary.stateEntries}`;
    updateButtons(data.executionStatus, page.type);
    banner(data);
    stateList();
    if (data.events && data.events.length) {
      page.events = [...data.events.slice().reverse(), ...page.events];
      Panel.renderEvents(ui.events, page.events, page.started);
      if (page.selected) select(page.selected);
    }
  }

  async function loadEvents() {
    try {
      const body = {executionArn: arn, reverseOrder: true, maxResults: 100};
      if (page.token) body.nextToken = page.token;
      const result = await action("GetExecutionHistory", body);
      page.events.push(...result.events);
      page.token = result.nextToken || null;
      ui.older.hidden = !page.token;
      Panel.renderEvents(ui.events, page.events, page.started);
    } catch (error) {
      ui.eventsNote.replaceChildren(errorBox(error));
    }
  }

  function listen(after) {
    const source = new EventSource(`/ui/api/live?arn=${encodeURIComponent(arn)}&after=${after}`);
    source.addEventListener("update", (message) => {
      const data = JSON.parse(message.data);
      apply(data);
      ui.live.textContent = data.executionStatus === "RUNNING" ? "● live" : "";
    });
    source.addEventListener("error", () => { ui.live.textContent = "reconnecting…"; });
    page.source = source;
  }

  function layout(data) {
    ui.banner = el("section", {id: "banner", class: "banner", role: "alert"});
    ui.graph = el("div", {id: "graph", class: "graph"});
    ui.panel = el("aside", {id: "panel", class: "panel"},
      el("p", {class: "muted"}, "Click a state in the graph to see its input, output, " +
        "attempts, errors and logs."), el("h4", {}, "Execution input"),
      json(data.execution.input), data.execution.output !== undefined
        ? [el("h4", {}, "Execution output"), json(data.execution.output)] : null);
    ui.stateList = el("ul", {class: "state-list"});
    ui.events = el("tbody", {});
    ui.older = el("button", {type: "button", hidden: true, onclick: loadEvents}, "Load older events");
    ui.eventsNote = el("div", {});
    ui.live = el("span", {class: "live", "aria-live": "polite"});
    const legend = el("ul", {class: "legend"}, Object.keys(SFN.boot.styles).map((s) => el("li", {}, badge(s))));
    return [el("div", {class: "split"},
      el("section", {class: "card graph-card"}, el("h2", {}, "Graph ", ui.live), ui.graph, legend,
        el("details", {}, el("summary", {}, "States"), ui.stateList)), ui.panel),
    el("section", {class: "card"}, el("h2", {}, "Event history"), ui.eventsNote,
      el("table", {class: "grid events", id: "events"}, el("thead", {}, el("tr", {},
        ["ID", "Type", "Step", "Elapsed", "Timestamp", ""].map((h) => el("th", {}, h)))),
      ui.events), ui.older)];
  }

  async function render() {
    const data = await get("/ui/api/execution", {arn});
    const described = data.execution;
    title(described.name);
    page.type = arn.includes(":express:") ? "EXPRESS" : "STANDARD";
    page.started = described.startDate;
    const body = layout(data);
    mount(header(described, data.machineName), ui.banner, actions(described), body);
    apply({...data, events: []});
    if (page.type === "EXPRESS") {
      ui.eventsNote.replaceChildren(el("p", {class: "note"}, "EXPRESS executions keep no history."));
      return;
    }
    await loadEvents();
    listen(page.events.length ? page.events[0].id : 0);
  }

  render().catch(fail);
})();
