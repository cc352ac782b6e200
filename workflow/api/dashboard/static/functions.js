// The functions list (/ui/functions) and one function's page (/ui/function?name=...): its
// configuration, versions, aliases with routing weights, meters and latest invocations with
// their Lambda-framed logs (START / END / REPORT). Every value goes in as text (common.js).
"use strict";

(() => {
  const {el, link, get, mount, cli, title, fail} = SFN;
  const num = (value) => el("td", {class: "num"}, value === null || value === undefined ? "—" : String(value));
  const ms = (value) => num(value === null || value === undefined ? null : `${value} ms`);

  function functionRow(fn) {
    const s = fn.Stats;
    return el("tr", {"data-function": fn.FunctionName},
      el("td", {}, link("/ui/function", {name: fn.FunctionName}, fn.FunctionName)),
      el("td", {}, fn.Runtime), num(`${fn.MemorySize} MB`), num(`${fn.Timeout} s`),
      el("td", {}, fn.LastModified), num(s.Invocations), num(s.Errors), num(s.Throttles),
      ms(s.DurationP50Ms), ms(s.DurationP99Ms));
  }

  const LIST_HEAD = ["Name", "Runtime", "Memory", "Timeout", "Last modified", "Invocations",
    "Errors", "Throttles", "p50", "p99"];

  async function listPage() {
    title("Functions");
    const listed = await get("/ui/api/functions");
    const rows = listed.Functions.map(functionRow);
    if (!rows.length) rows.push(el("tr", {}, el("td", {colspan: LIST_HEAD.length, class: "muted"},
      "No functions yet: create one with sfn functions create or aws lambda create-function.")));
    mount(el("div", {class: "page-head"}, el("h1", {}, "Functions")),
      el("table", {class: "grid", id: "functions"}, el("thead", {}, el("tr", {},
        LIST_HEAD.map((h) => el("th", {}, h)))), el("tbody", {}, rows)),
      cli([["sfn", "functions", "list"]]));
  }

  function meta(pairs) {
    return el("dl", {class: "meta"}, pairs.map(([key, value]) =>
      [el("dt", {}, key), el("dd", {}, value === "" || value === null || value === undefined ? "—" : value)]));
  }

  function configuration(c) {
    const env = Object.entries((c.Environment || {}).Variables || {}).map(([k, v]) => `${k}=${v}`);
    return meta([["ARN", el("code", {}, c.FunctionArn)], ["Runtime", c.Runtime],
      ["Handler", el("code", {}, c.Handler)], ["Memory", `${c.MemorySize} MB`],
      ["Timeout", `${c.Timeout} s`], ["Last modified", c.LastModified],
      ["CodeSha256", el("code", {id: "code-sha"}, c.CodeSha256)], ["Code size", `${c.CodeSize} bytes`],
      ["Description", c.Description], ["Revision", c.RevisionId], ["Environment", env.join(", ")]]);
  }

  function table(id, head, rows, empty) {
    if (!rows.length) rows = [el("tr", {}, el("td", {colspan: head.length, class: "muted"}, empty))];
    return el("table", {class: "grid", id}, el("thead", {}, el("tr", {},
      head.map((h) => el("th", {}, h)))), el("tbody", {}, rows));
  }

  function versionRow(v) {
    return el("tr", {}, el("td", {}, v.Version), el("td", {}, el("code", {}, v.CodeSha256)),
      el("td", {}, v.Description), el("td", {}, v.LastModified));
  }

  function aliasRow(a) {
    const weights = Object.entries((a.RoutingConfig || {}).AdditionalVersionWeights || {});
    const shifted = weights.reduce((sum, [, w]) => sum + Number(w), 0);
    const routing = [`${a.FunctionVersion}: ${Math.round((1 - shifted) * 1000) / 10}%`,
      ...weights.map(([version, w]) => `${version}: ${Math.round(Number(w) * 1000) / 10}%`)];
    return el("tr", {}, el("td", {}, a.Name), el("td", {}, a.FunctionVersion),
      el("td", {class: "routing"}, routing.join(", ")), el("td", {}, a.Description));
  }

  function statsBlock(s) {
    return meta([["Invocations", String(s.Invocations)], ["Errors", String(s.Errors)],
      ["Throttles", String(s.Throttles)], ["Duration p50", `${s.DurationP50Ms} ms`],
      ["Duration p99", `${s.DurationP99Ms} ms`], ["Billed duration", `${s.BilledDurationMs} ms`],
      ["GB-seconds", String(s.GBSeconds)]]);
  }

  function invocation(r) {
    const status = r.Throttled ? `throttled (${r.ErrorType || ""})` :
      r.Error ? `${r.Error}${r.ErrorType ? ": " + r.ErrorType : ""}` : "ok";
    const log = r.Throttled ? `THROTTLED RequestId: ${r.RequestId}` : r.Log;
    return el("div", {class: "invocation", "data-request": r.RequestId},
      el("h4", {}, `${SFN.time(r.Started)} · ${r.Version} · ${Number(r.DurationMs).toFixed(2)} ms · ${status}`),
      r.Execution ? el("p", {class: "note"}, "From ",
        link("/ui/execution", {arn: r.Execution}, r.Execution), r.State ? ` (${r.State})` : "") : null,
      el("pre", {class: "log"}, log || ""));
  }

  async function functionPage(name) {
    const fn = await get("/ui/api/function", {name});
    const c = fn.Configuration;
    title(c.FunctionName);
    mount(el("nav", {class: "crumbs"}, link("/ui/functions", {}, "Functions"), " › ", c.FunctionName),
      el("div", {class: "page-head"}, el("h1", {}, c.FunctionName), el("span", {class: "pill"}, c.Runtime)),
      el("section", {class: "card"}, el("h2", {}, "Configuration"), configuration(c)),
      el("section", {class: "card", id: "stats"}, el("h2", {}, "Stats"), statsBlock(fn.Stats)),
      el("section", {class: "card"}, el("h2", {}, "Versions"), table("versions",
        ["Version", "CodeSha256", "Description", "Last modified"], fn.Versions.map(versionRow), "")),
      el("section", {class: "card"}, el("h2", {}, "Aliases"), table("aliases",
        ["Alias", "Version", "Routing", "Description"], fn.Aliases.map(aliasRow), "No aliases.")),
      el("section", {class: "card", id: "invocations"}, el("h2", {}, "Recent invocations"),
        fn.Invocations.length ? fn.Invocations.map(invocation) : el("p", {class: "muted"}, "None yet.")),
      cli([["sfn", "functions", "get", c.FunctionName], ["sfn", "functions", "stats", c.FunctionName],
        ["sfn", "functions", "logs", c.FunctionName],
        ["sfn", "invoke", c.FunctionName, "--payload", "{}"]]));
  }

  const name = SFN.boot.params && SFN.boot.params.name;
  (SFN.boot.page === "function" ? functionPage(name) : listPage()).catch(fail);
})();
