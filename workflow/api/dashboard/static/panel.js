// The execution page's state panel (a click on a graph node or a state row) and its event
// history table. Everything is text: names, payloads, errors, causes and log lines.
"use strict";

const Panel = (() => {
  const {el, get, time, duration, badge, json} = SFN;

  // An attempt still open while its state waits (a callback, an activity) is waiting.
  function attemptStatus(attempt, stateStatus) {
    if (["scheduled", "running"].includes(attempt.status)) {
      return stateStatus === "waiting" ? "waiting" : "running";
    }
    return attempt.status;
  }

  function attemptRow(attempt, stateStatus) {
    const took = attempt.ended && (attempt.started || attempt.scheduled)
      ? duration(attempt.ended - (attempt.started || attempt.scheduled)) : "";
    return el("li", {class: "attempt"},
      el("div", {class: "attempt-head"}, el("strong", {}, `Attempt ${attempt.number}`), " ",
        badge(attemptStatus(attempt, stateStatus)),
        el("span", {class: "muted"}, ` ${attempt.type || ""} · ${time(attempt.scheduled)}`,
          took ? ` · ${took}` : "")),
      attempt.resource ? el("div", {class: "muted"}, "Resource: ", el("code", {}, attempt.resource)) : null,
      attempt.error ? el("div", {class: "attempt-error"}, el("strong", {}, "Error: "), attempt.error) : null,
      attempt.cause ? el("details", {open: true}, el("summary", {}, "Cause"), json(attempt.cause)) : null,
      attempt.logs ? el("details", {open: true}, el("summary", {}, `Logs (${attempt.logs.length} lines)`),
        el("pre", {class: "logs"}, attempt.logs.join("\n"))) : null);
  }

  function visitBlock(visit, index, count, stateStatus) {
    const took = visit.exited ? duration(visit.exited - visit.entered) : "";
    return el("section", {class: "visit"},
      count > 1 ? el("h4", {}, `Visit ${index + 1} of ${count}`, visit.run ? ` · run ${visit.run}` : "") : null,
      el("div", {class: "muted"}, `Entered ${time(visit.entered)}`, took ? ` · took ${took}` : ""),
      el("h4", {}, "Input"), json(visit.input),
      el("h4", {}, "Output"), "output" in visit ? json(visit.output) : el("p", {class: "muted"}, "Not yet."),
      visit.attempts.length ? el("h4", {}, "Attempts") : null,
      visit.attempts.length ? el("ol", {class: "attempts"},
        visit.attempts.map((a) => attemptRow(a, index === count - 1 ? stateStatus : null))) : null,
      visit.error && !visit.attempts.length ? el("div", {class: "attempt-error"},
        el("strong", {}, "Error: "), visit.error, visit.cause ? json(visit.cause) : null) : null);
  }

  async function show(host, arn, name) {
    const state = await get("/ui/api/state", {arn, name});
    const status = state.status;
    const visits = state.visits.slice().reverse();
    SFN.fill(host,
      el("div", {class: "panel-head"}, el("h3", {id: "panel-title"}, state.name),
        status ? badge(status.status, status.label) : null),
      status && status.counts ? el("p", {class: "muted"}, status.counts) : null,
      state.visitCount > visits.length ? el("p", {class: "note"},
        `Showing the last ${visits.length} of ${state.visitCount} visits.`) : null,
      visits.length ? visits.map((v, i) =>
        visitBlock(v, visits.length - 1 - i, visits.length, status && status.status))
        : el("p", {class: "muted"}, "This state has not run in this execution."),
      el("h4", {}, "Logs"), el("p", {class: "note"}, state.logsNote),
      el("details", {}, el("summary", {}, "Definition"), json(state.definition)));
    return state;
  }

  // ---- the event history table -------------------------------------------------------

  function detailsOf(event) {
    const key = Object.keys(event).find((k) => k.endsWith("EventDetails"));
    return key ? event[key] : null;
  }

  function eventRow(event, steps, started) {
    const details = detailsOf(event);
    return el("tr", {"data-id": event.id},
      el("td", {class: "num"}, event.id),
      el("td", {}, event.type),
      el("td", {}, steps.get(event.id) || ""),
      el("td", {class: "num"}, started ? "+" + duration(event.timestamp - started) : ""),
      el("td", {}, time(event.timestamp)),
      el("td", {}, details && Object.keys(details).length ? el("details", {},
        el("summary", {}, "details"), json(details)) : ""));
  }

  // The step of each event: the state its run last entered (as the console's "Step").
  function steps(events) {
    const byId = new Map(), out = new Map();
    for (const event of events.slice().sort((a, b) => a.id - b.id)) {
      byId.set(event.id, event);
      const details = detailsOf(event) || {};
      const own = event.type.endsWith("StateEntered") || event.type.endsWith("StateExited")
        ? details.name : null;
      out.set(event.id, own || out.get(event.previousEventId) || "");
    }
    return out;
  }

  function renderEvents(body, events, started) {
    const names = steps(events);
    body.replaceChildren(...events.map((event) => eventRow(event, names, started)));
  }

  return {show, renderEvents};
})();
