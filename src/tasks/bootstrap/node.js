// Stepcraft's local Lambda runtime for Node.js: loads the handler once, then answers one
// request per line on stdin. Answers are framed on stdout: a line starting with the record
// separator and "STEPCRAFT " carries JSON; anything else on stdout is the function's own output.
// During an invocation, console output and process.stdout/stderr writes are captured and sent
// back with the answer.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { pathToFileURL } = require("url");

const FRAME = "\x1eSTEPCRAFT ";
const send = (message) => fs.writeSync(1, FRAME + JSON.stringify(message) + "\n");

let captured = null;
const capture = (original) =>
  function (chunk, encoding, callback) {
    if (captured === null) return original.apply(this, arguments);
    captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
    if (typeof encoding === "function") encoding();
    else if (typeof callback === "function") callback();
    return true;
  };
process.stdout.write = capture(process.stdout.write);
process.stderr.write = capture(process.stderr.write);

const errorOf = (e) => ({
  errorType: (e && e.name) || "Error",
  errorMessage: e && e.message !== undefined ? String(e.message) : String(e),
  trace: e && e.stack ? String(e.stack).split("\n") : [],
});

async function load() {
  const folder = process.env.STEPCRAFT_CODE_DIR;
  const module = process.env.STEPCRAFT_MODULE;
  const base = path.resolve(folder, module);
  const file = [base, base + ".js", base + ".mjs", base + ".cjs"].find(
    (f) => fs.existsSync(f) && fs.statSync(f).isFile()
  );
  if (!file) throw new Error("Cannot find module '" + module + "' in " + folder);
  let mod;
  if (file.endsWith(".mjs")) mod = await import(pathToFileURL(file).href);
  else {
    try {
      mod = require(file);
    } catch (e) {
      if (e && e.code === "ERR_REQUIRE_ESM") mod = await import(pathToFileURL(file).href);
      else throw e;
    }
  }
  const handler = mod[process.env.STEPCRAFT_FUNCTION];
  if (typeof handler !== "function")
    throw new Error(module + "." + process.env.STEPCRAFT_FUNCTION + " is undefined or not exported");
  return handler;
}

function invoke(handler, event, context) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(value);
    };
    try {
      const out = handler(event, context, finish);
      if (out && typeof out.then === "function") out.then((v) => finish(null, v), finish);
      else if (handler.length < 3) finish(null, out);
    } catch (e) {
      finish(e);
    }
  });
}

async function main() {
  let handler = null;
  let initError = null;
  try {
    handler = await load();
  } catch (e) {
    initError = errorOf(e);
    initError.errorType = "Runtime.ImportModuleError";
  }
  // Ready: the function's timeout counts from here, as Lambda's init phase does not count.
  send({ ready: true });
  const lines = readline.createInterface({ input: process.stdin });
  const queue = [];
  let busy = false;
  const next = async () => {
    if (busy || queue.length === 0) return;
    busy = true;
    const request = JSON.parse(queue.shift());
    if (initError) {
      send({ error: initError, logs: "" });
    } else {
      const deadline = Date.now() + (request.timeoutMs || 3000);
      const name = process.env.AWS_LAMBDA_FUNCTION_NAME || "";
      const context = {
        functionName: name,
        functionVersion: "$LATEST",
        invokedFunctionArn: process.env.STEPCRAFT_FUNCTION_ARN || "",
        memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || "128",
        awsRequestId: request.requestId || "",
        logGroupName: "/aws/lambda/" + name,
        logStreamName: "stepcraft/local",
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      captured = [];
      let answer;
      try {
        const value = await invoke(handler, request.event, context);
        answer = { ok: value === undefined ? null : value };
      } catch (e) {
        answer = { error: errorOf(e) };
      }
      answer.logs = captured.join("");
      captured = null;
      send(answer);
    }
    busy = false;
    next();
  };
  lines.on("line", (line) => {
    if (line.trim()) {
      queue.push(line);
      next();
    }
  });
}

main();
