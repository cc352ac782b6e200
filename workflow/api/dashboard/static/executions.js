// The execution list (/ui/executions): server-side filters (machine, status, time range,
// error name) kept in the URL, so a filtered view is a link; keyset pages ("Next page").
"use strict";

(() => {
  const {el, link, get, action, time, duration, mount, cli, aws, title, fail, executionBadge} = SFN;
  const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];
  const FILTERS = ["machine", "status", "from", "to", "error"];

  function current() {
    const params = new URLSearchParams(location.search);
    const out = {};
    for (const key of [...FILTERS, "token"]) out[key] = params.get(key) || "";
    return out;
  }

  // datetime-local inputs hold local time; the URL and the server use UTC ISO 8601.
  function toLocalInput(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 16);
  }

  function fromLocalInput(value) { return value ? new Date(value).toISOString() : ""; }

  function select(name, options, value) {
    return el("select", {name, id: "f-" + name}, options.map(([v, label]) =>
      el("option", {value: v, selected: v === value}, label)));
  }

  function field(label, control) {
    return el("label", {class: "field"}, el("span", {}, label), control);
  }

  function filterForm(filters, machines) {
    const form = el("form", {class: "filters", method: "get", action: "/ui/executions"},
      field("State machine", select("machine", [["", "All"], ...machines.map((m) =>
        [m.stateMachineArn, m.name])], filters.machine)),
      field("Status", select("status", [["", "Any"], ...STATUSES.map((s) => [s, s])], filters.status)),
      field("Started after", el("input", {type: "datetime-local", name: "from", value: toLocalInput(filters.from)})),
      field("Started before", el("input", {type: "datetime-local", name: "to", value: toLocalInput(filters.to)})),
      field("Error name", el("input", {type: "text", name: "error", value: filters.error,
        placeholder: "e.g. States.Timeout"})),
      el("div", {class: "buttons"}, el("button", {type: "submit"}, "Apply"),
        link("/ui/executions", {}, "Clear")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const params = {};
      for (const key of FILTERS) params[key] = String(data.get(key) || "");
      params.from = fromLocalInput(params.from);
      params.to = fromLocalInput(params.to);
      location.assign(link("/ui/executions", params).getAttribute("href"));
    });
    return form;
  }

  function row(item, names) {
    return el("tr", {"data-arn": item.executionArn},
      el("td", {}, link("/ui/execution", {arn: item.executionArn}, item.name)),
      el("td", {}, executionBadge(item.status)),
      el("td", {}, link("/ui/machine", {arn: item.stateMachineArn},
        names[item.stateMachineArn] || item.stateMachineArn.split(":").pop())),
      el("td", {}, time(item.startDate)),
      el("td", {}, item.stopDate ? duration(item.stopDate - item.startDate) : ""),
      el("td", {class: "error-name"}, item.error || ""));
  }

  function commands(filters) {
    const sfn = ["sfn", "executions", "list"];
    if (filters.status) sfn.push("--status", filters.status);
    if (filters.machine) sfn.push("--state-machine", filters.machine);
    const out = [sfn];
    if (filters.machine) {
      const words = ["list-executions", "--state-machine-arn", filters.machine];
      if (filters.status) words.push("--status-filter", filters.status);
      out.push(aws(...words));
    }
    return out;
  }

  async function machineList() {
    const all = [];
    let token = null;
    do {
      const page = await action("ListStateMachines", token ? {nextToken: token} : {});
      all.push(...page.stateMachines);
      token = page.nextToken;
    } while (token && all.length < 1000);
    return all;
  }

  async function render() {
    title("Executions");
    const filters = current();
    const [machines, page] = await Promise.all([machineList(), get("/ui/api/executions", filters)]);
    const names = Object.fromEntries(machines.map((m) => [m.stateMachineArn, m.name]));
    const rows = page.executions.map((item) => row(item, names));
    const filtered = FILTERS.filter((k) => filters[k]).length > 0;
    const empty = el("tr", {}, el("td", {colspan: 6, class: "muted"},
      filtered ? "No execution matches these filters on this page." : "No executions yet."));
    const pager = el("nav", {class: "pager"},
      filters.token ? link("/ui/executions", {...filters, token: ""}, "↩ First page") : null,
      page.nextToken ? link("/ui/executions", {...filters, token: page.nextToken},
        "Next page →") : null);
    mount(el("div", {class: "page-head"}, el("h1", {}, "Executions")),
      filterForm(filters, machines),
      el("table", {class: "grid", id: "executions"}, el("thead", {}, el("tr", {},
        ["Name", "Status", "State machine", "Started", "Duration", "Error"].map((h) =>
          el("th", {}, h)))), el("tbody", {}, rows.length ? rows : empty)),
      pager, cli(commands(filters)),
      el("p", {class: "note"}, "Time range and error name filters are the dashboard's own " +
        "(ListExecutions has neither); times are shown in your browser's time zone."));
  }

  render().catch(fail);
})();
