// sfn's Node.js runtime: the Lambda Runtime API loop for a "file.export" handler.
// Started as `node node_bootstrap.js` with the code directory as working directory and
// Lambda's environment. Node's standard library only; one kept-alive connection.
"use strict";
const http = require("http");
const path = require("path");
const url = require("url");

const [HOST, PORT] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const BASE = "/2018-06-01/runtime";
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, route, body, headers) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const all = Object.assign({}, headers || {});
    if (data) all["Content-Length"] = data.length;
    const req = http.request({ host: HOST, port: Number(PORT), method, path: BASE + route,
      agent, headers: all }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ res, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.setNoDelay(true);
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

function errorPayload(err, requestId) {
  const e = err instanceof Error ? err : new Error(String(err));
  return { errorType: e.name || "Error", errorMessage: e.message, requestId: requestId || "",
    trace: (e.stack || "").split("\n") };
}

async function initError(type, message) {
  const payload = { errorType: type, errorMessage: message, requestId: "", trace: [] };
  console.error(`ERROR\t${type}: ${message}`);
  await call("POST", "/init/error", JSON.stringify(payload),
    { "Lambda-Runtime-Function-Error-Type": type, "Content-Type": "application/json" });
  process.exit(1);
}

async function loadHandler(spec) {
  const dot = spec.lastIndexOf(".");
  if (dot < 1) return initError("Runtime.MalformedHandlerName", `Bad handler ${spec}`);
  const file = path.resolve(process.env.LAMBDA_TASK_ROOT || process.cwd(), spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  let mod;
  for (const ext of [".js", ".mjs", ".cjs"]) {
    try {
      mod = await import(url.pathToFileURL(file + ext).href);
      break;
    } catch (err) {
      if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes(file + ext)) continue;
      return initError(err instanceof SyntaxError ? "Runtime.UserCodeSyntaxError" : "Runtime.ImportModuleError", String(err));
    }
  }
  if (!mod) return initError("Runtime.ImportModuleError", `Error: Cannot find module '${spec.slice(0, dot)}'`);
  const fn = mod[name] !== undefined ? mod[name] : (mod.default || {})[name];
  if (typeof fn !== "function") return initError("Runtime.HandlerNotFound", `${spec} is undefined or not exported`);
  return fn;
}

function context(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"] || 0);
  return {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"] || "",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    callbackWaitsForEmptyEventLoop: true,
  };
}

function run(fn, event, ctx) {
  return new Promise((resolve, reject) => {
    const done = (err, value) => (err ? reject(err) : resolve(value));
    try {
      const out = fn(event, ctx, done);
      if (out && typeof out.then === "function") out.then(resolve, reject);
      else if (fn.length < 3) resolve(out);
    } catch (err) {
      reject(err);
    }
  });
}

async function main() {
  const fn = await loadHandler(process.env._HANDLER || "");
  for (;;) {
    const { res, body } = await call("GET", "/invocation/next");
    if (res.statusCode !== 200) process.exit(0);
    const requestId = res.headers["lambda-runtime-aws-request-id"];
    try {
      const value = await run(fn, body ? JSON.parse(body) : null, context(res.headers));
      const text = JSON.stringify(value === undefined ? null : value);
      await call("POST", `/invocation/${requestId}/response`, text, { "Content-Type": "application/json" });
    } catch (err) {
      const payload = errorPayload(err, requestId);
      console.error(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(payload)}`);
      await call("POST", `/invocation/${requestId}/error`, JSON.stringify(payload),
        { "Lambda-Runtime-Function-Error-Type": "Unhandled", "Content-Type": "application/json" });
    }
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
