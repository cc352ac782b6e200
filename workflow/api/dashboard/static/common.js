// Shared helpers of every dashboard page. Safe by construction: DOM nodes are built with
// createElement and every value goes in as a text node or an attribute value (setAttribute),
// never through innerHTML; links are our own paths with encodeURIComponent'd values.
"use strict";

const SFN = (() => {
  const boot = JSON.parse(document.getElementById("sfn-boot").textContent);
  const EXECUTION_STATUS = {
    RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed", TIMED_OUT: "timed-out",
    ABORTED: "aborted", PENDING_REDRIVE: "failed",
  };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // Replace a node's children (nulls skipped: replaceChildren would insert "null").
  function fill(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  function link(path, params, ...children) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) if (value) query.set(key, value);
    const text = query.toString();
    return el("a", {href: path + (text ? "?" + text : "")}, ...children);
  }

  async function handle(response) {
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) {
      location.assign("/ui/login?next=" + encodeURIComponent(location.pathname + location.search));
      throw new Error("signed out");
    }
    if (!response.ok) {
      const error = new Error(data.message || data.Message || data.__type || response.statusText);
      error.code = String(data.__type || "").split("#").pop();
      throw error;
    }
    return data;
  }

  async function get(path, params) {
    const url = new URL(path, location.origin);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
    }
    return handle(await fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}}));
  }

  // A Step Functions action, through the server's own handler for it.
  async function action(name, body) {
    const response = await fetch("/ui/api/action/" + encodeURIComponent(name), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": boot.csrf},
      body: JSON.stringify(body || {}),
    });
    return handle(response);
  }

  function pad(n, width) { return String(n).padStart(width || 2, "0"); }

  function time(epoch) {
    if (epoch === null || epoch === undefined) return "";
    const d = new Date(epoch * 1000);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return "";
    if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
    if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  // A status badge: colour, icon (from the CSS class) and label, all from styles.py.
  function badge(status, label) {
    const style = boot.styles[status] || {label: status};
    return el("span", {class: `sfn-badge sfn-status-${status}`, "data-status": status},
      label || style.label);
  }

  function executionBadge(status) {
    const value = EXECUTION_STATUS[status] || "not-started";
    const label = status === "PENDING_REDRIVE" ? "Redrive pending" : undefined;
    return badge(value, label);
  }

  function json(value) {
    let text = value;
    if (typeof value === "string") {
      try { text = JSON.stringify(JSON.parse(value), null, 2); } catch (e) { text = value; }
    } else {
      text = JSON.stringify(value, null, 2);
    }
    return el("pre", {class: "json"}, text === undefined ? "—" : text);
  }

  function quote(word) {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : "'" + String(word).replace(/'/g, "'\\''") + "'";
  }

  function command(words) { return words.map(quote).join(" "); }

  function copyButton(text, label) {
    return el("button", {type: "button", class: "copy", title: "Copy to clipboard",
      onclick: (event) => {
        navigator.clipboard && navigator.clipboard.writeText(text);
        event.currentTarget.textContent = "Copied";
      }}, label || "Copy");
  }

  // "Equivalent CLI" box: each command as it would be typed.
  function cli(commands, title) {
    return el("details", {class: "cli"}, el("summary", {}, title || "Equivalent CLI"),
      commands.map((words) => {
        const text = command(words);
        return el("div", {class: "cli-line"}, el("code", {}, text), copyButton(text));
      }));
  }

  function aws(...words) {
    return ["aws", "stepfunctions", ...words, "--endpoint-url", location.origin];
  }

  function errorBox(error) {
    return el("p", {class: "error", role: "alert"}, error.code ? `${error.code}: ` : "",
      error.message || String(error));
  }

  function mount(...children) {
    const app = document.getElementById("app");
    app.replaceChildren();
    return append(app, children);
  }

  // The server's Graphviz SVG, parsed as XML (not HTML) and imported; anything that could
  // run script is dropped first (defence in depth: names in it are escaped by visualizer/dot.py
  // and the page's Content-Security-Policy allows no inline script).
  function svgInto(host, text) {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const svg = doc.documentElement;
    if (!svg || svg.nodeName !== "svg") return null;
    svg.querySelectorAll("script, foreignObject, iframe, use").forEach((n) => n.remove());
    for (const node of [svg, ...svg.querySelectorAll("*")]) {
      for (const attr of [...node.attributes]) {
        if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) node.removeAttribute(attr.name);
      }
    }
    const imported = document.importNode(svg, true);
    host.replaceChildren(imported);
    return imported;
  }

  function title(text) { document.title = `${text} · sfn`; }

  function fail(error) { mount(errorBox(error)); }

  return {boot, el, append, fill, link, get, action, time, duration, badge, executionBadge, json,
    command, copyButton, cli, aws, errorBox, mount, title, fail, svgInto};
})();
