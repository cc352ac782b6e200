// The state machine list (/ui/) and one state machine's page (/ui/machine?arn=...).
"use strict";

(() => {
  const {el, link, get, action, time, mount, cli, aws, title, fail, executionBadge, duration} = SFN;

  function machineRow(machine) {
    return el("tr", {},
      el("td", {}, link("/ui/machine", {arn: machine.stateMachineArn}, machine.name)),
      el("td", {}, machine.type),
      el("td", {}, time(machine.creationDate)),
      el("td", {}, link("/ui/executions", {machine: machine.stateMachineArn}, "Executions")));
  }

  async function listPage() {
    title("State machines");
    const body = el("tbody", {});
    const more = el("button", {type: "button", hidden: true}, "Load more");
    let token = null;
    async function load() {
      const page = await action("ListStateMachines", token ? {nextToken: token} : {});
      page.stateMachines.forEach((m) => body.append(machineRow(m)));
      token = page.nextToken || null;
      more.hidden = !token;
      if (!body.children.length) body.append(el("tr", {}, el("td", {colspan: 4, class: "muted"},
        "No state machines yet: create one with aws stepfunctions create-state-machine.")));
    }
    more.addEventListener("click", load);
    mount(el("div", {class: "page-head"}, el("h1", {}, "State machines")),
      el("table", {class: "grid"}, el("thead", {}, el("tr", {},
        ["Name", "Type", "Created", ""].map((h) => el("th", {}, h)))), body),
      more, cli([aws("list-state-machines"), ["sfn", "executions", "list"]]));
    await load();
  }

  function executionRow(item) {
    return el("tr", {},
      el("td", {}, link("/ui/execution", {arn: item.executionArn}, item.name)),
      el("td", {}, executionBadge(item.status)),
      el("td", {}, time(item.startDate)),
      el("td", {}, item.stopDate ? duration(item.stopDate - item.startDate) : ""),
      el("td", {class: "error-name"}, item.error || ""));
  }

  async function machinePage(arn) {
    const machine = await get("/ui/api/machine", {arn});
    title(machine.name);
    const recent = await get("/ui/api/executions", {machine: arn, limit: 20});
    const graph = el("div", {class: "graph"});
    const svg = SFN.svgInto(graph, machine.svg);
    const names = new Map(machine.states.map((s) => [s.id, s]));
    svg && svg.querySelectorAll("g.node").forEach((node) => {
      const state = names.get(node.id);
      if (!state) return;
      node.setAttribute("data-state", state.name);
      node.setAttribute("aria-label", `${state.name} (${state.type})`);
    });
    mount(el("nav", {class: "crumbs"}, link("/ui/", {}, "State machines"), " › ", machine.name),
      el("div", {class: "page-head"}, el("h1", {}, machine.name),
        el("span", {class: "pill"}, machine.type)),
      el("dl", {class: "meta"}, el("dt", {}, "ARN"), el("dd", {}, el("code", {}, machine.stateMachineArn)),
        el("dt", {}, "Created"), el("dd", {}, time(machine.creationDate)),
        el("dt", {}, "Revision"), el("dd", {}, machine.revisionId || "—")),
      el("section", {class: "card"}, el("h2", {}, "Definition"), graph),
      el("section", {class: "card"}, el("h2", {}, "Recent executions ",
        link("/ui/executions", {machine: arn}, "all, with filters →")),
        el("table", {class: "grid"}, el("thead", {}, el("tr", {},
          ["Name", "Status", "Started", "Duration", "Error"].map((h) => el("th", {}, h)))),
          el("tbody", {}, recent.executions.map(executionRow)))),
      cli([aws("describe-state-machine", "--state-machine-arn", arn),
        ["sfn", "render", arn, "-o", machine.name + ".svg"]]));
  }

  const arn = SFN.boot.params && SFN.boot.params.arn;
  (SFN.boot.page === "machine" ? machinePage(arn) : listPage()).catch(fail);
})();
