// Each demo sends real requests and shows every exchange: the request line, the status
// line, the response headers and the body. `cache: "no-store"` keeps the browser's cache
// out of the way, so a 304 or a 206 reaches the page as the server sent it.
"use strict";

const apiKey = () => document.getElementById("api-key").value.trim();

async function exchange(container, method, path, headers = {}, body = undefined) {
  const view = document.createElement("div");
  view.className = "exchange";
  const line = document.createElement("div");
  line.className = "request";
  line.textContent = `${method} ${path}` + Object.entries(headers).map(([k, v]) => `\n${k}: ${v}`).join("");
  view.append(line);
  container.append(view);
  const status = document.createElement("div");
  status.className = "status";
  view.append(status);
  try {
    const response = await fetch(path, { method, headers, body, cache: "no-store", redirect: "manual" });
    status.textContent = response.type === "opaqueredirect" ? "HTTP/1.1 3xx (redirect)" : `HTTP/1.1 ${response.status} ${response.statusText}`;
    status.classList.add(`s${String(response.status)[0]}`);
    status.dataset.status = response.type === "opaqueredirect" ? "redirect" : String(response.status);
    const fields = document.createElement("pre");
    fields.className = "headers";
    fields.textContent = [...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
    view.append(fields);
    const stream = (response.headers.get("Content-Type") || "").startsWith("text/event-stream");
    const text = method === "HEAD" ? "" : stream ? await firstEvents(response) : await response.text();
    if (text) {
      const content = document.createElement("pre");
      content.className = "body";
      content.textContent = text;
      view.append(content);
    }
    return response;
  } catch (error) {
    status.textContent = `request failed: ${error}`;
    status.classList.add("error");
    status.dataset.status = "error";
    return null;
  }
}

// An event stream never ends by itself: show what arrives in the first five seconds (make a
// transfer meanwhile to see it), then close it.
async function firstEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const stop = setTimeout(() => reader.cancel(), 5000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    // Cancelled by the timer.
  }
  clearTimeout(stop);
  return text + "\n(the page closed the stream after 5 s)";
}

function writeHeaders(extra = {}) {
  return { "Authorization": `Bearer ${apiKey()}`, "Content-Type": "application/json", ...extra };
}

const demos = {
  async conditional(out) {
    const first = await exchange(out, "GET", "/users/1");
    const tag = first && first.headers.get("ETag");
    if (tag) await exchange(out, "GET", "/users/1", { "If-None-Match": tag });
  },
  async ranges(out) {
    const file = encodeURIComponent(document.getElementById("range-file").value.trim());
    await exchange(out, "GET", `/download/${file}`, { "Range": document.getElementById("range-value").value.trim() });
  },
  async idempotency(out) {
    const key = `page-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
    const body = JSON.stringify({ from: "alice", to: "bob", amount: Number(document.getElementById("transfer-amount").value) });
    for (let i = 0; i < 3; i++) {
      await exchange(out, "POST", "/transfers", writeHeaders({ "Idempotency-Key": key }), body);
    }
    await exchange(out, "GET", "/accounts/alice");
  },
  async negotiation(out) {
    await exchange(out, "GET", "/data?limit=3", { "Accept": document.getElementById("accept").value });
  },
  async custom(out) {
    const headers = {};
    for (const line of document.getElementById("custom-headers").value.split("\n")) {
      const at = line.indexOf(":");
      if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    const method = document.getElementById("custom-method").value;
    const body = document.getElementById("custom-body").value;
    const hasBody = !["GET", "HEAD"].includes(method) && body !== "";
    await exchange(out, method, document.getElementById("custom-path").value.trim(), headers, hasBody ? body : undefined);
  },
};

// Every operation of the OpenAPI document as a form: its path, query and header parameters
// (filled with the document's examples or defaults), and its body with the example the
// document gives. The page's static list of paths is replaced by these forms.
function example(holder) {
  if (!holder) return undefined;
  if (holder.example !== undefined) return holder.example;
  const named = holder.examples && Object.values(holder.examples)[0];
  if (named && named.value !== undefined) return named.value;
  if (Array.isArray(holder.examples) && holder.examples.length) return holder.examples[0];
  return undefined;
}

function resolve(openapi, value) {
  while (value && value.$ref) {
    value = value.$ref.slice(2).split("/").reduce((node, key) => node[key], openapi);
  }
  return value;
}

function parameterInput(openapi, parameter) {
  const schema = resolve(openapi, parameter.schema) || {};
  const value = example(parameter) ?? example(schema) ?? schema.default;
  const field = document.createElement("label");
  field.append(`${parameter.name} (${parameter.in}${parameter.required ? ", required" : ""})`);
  const input = document.createElement("input");
  input.dataset.name = parameter.name;
  input.dataset.in = parameter.in;
  if (value !== undefined) input.value = parameter.name === "Idempotency-Key" ? "" : String(value);
  field.append(input);
  return field;
}

function operationForm(openapi, path, method, operation, shared) {
  const details = document.createElement("details");
  details.className = "operation";
  details.dataset.operation = `${method.toUpperCase()} ${path}`;
  const summary = document.createElement("summary");
  summary.innerHTML = `<span class="method"></span><code></code><span class="summary"></span>`;
  summary.querySelector(".method").textContent = method.toUpperCase();
  summary.querySelector("code").textContent = path;
  summary.querySelector(".summary").textContent = operation.summary || "";
  details.append(summary);
  const form = document.createElement("form");
  const parameters = [...shared, ...(operation.parameters || [])].map((p) => resolve(openapi, p));
  for (const parameter of parameters) form.append(parameterInput(openapi, parameter));
  const content = operation.requestBody && resolve(openapi, operation.requestBody).content;
  if (content) {
    const [type, media] = Object.entries(content)[0];
    const body = example(media) ?? example(resolve(openapi, media.schema)) ?? {};
    const area = document.createElement("label");
    area.className = "wide";
    area.append(`Body (${type})`);
    const text = document.createElement("textarea");
    text.rows = 3;
    text.dataset.type = type;
    text.value = JSON.stringify(body);
    area.append(text);
    form.append(area);
  }
  const send = document.createElement("button");
  send.type = "submit";
  send.dataset.demo = "operation";
  send.textContent = `Send ${method.toUpperCase()}`;
  form.append(send);
  details.append(form);
  const out = document.createElement("div");
  out.className = "exchanges";
  details.append(out);
  return details;
}

async function sendOperation(details, out) {
  const [method, template] = details.dataset.operation.split(" ");
  let path = template;
  const query = new URLSearchParams();
  const headers = {};
  for (const input of details.querySelectorAll("input[data-name]")) {
    const value = input.value.trim();
    const name = input.dataset.name;
    if (input.dataset.in === "path") path = path.replace(`{${name}}`, encodeURIComponent(value));
    else if (value === "" && name === "Idempotency-Key") headers[name] = `page-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
    else if (value === "") continue;
    else if (input.dataset.in === "query") query.set(name, value);
    else if (input.dataset.in === "header") headers[name] = value;
  }
  const text = details.querySelector("textarea[data-type]");
  if (text) headers["Content-Type"] = text.dataset.type;
  if (method !== "GET" && method !== "HEAD") headers["Authorization"] = `Bearer ${apiKey()}`;
  const search = query.toString();
  await exchange(out, method, search ? `${path}?${search}` : path, headers, text ? text.value : undefined);
}

async function loadOperations() {
  const section = document.getElementById("endpoints");
  const container = section.querySelector(".operations");
  try {
    const response = await fetch("/openapi.json", { cache: "no-store" });
    const openapi = await response.json();
    for (const [path, item] of Object.entries(openapi.paths)) {
      for (const method of ["get", "post", "put", "patch", "delete"]) {
        if (item[method]) container.append(operationForm(openapi, path, method, item[method], item.parameters || []));
      }
    }
    section.querySelector("ul.paths").hidden = true;
    container.dataset.loaded = String(container.children.length);
  } catch (error) {
    container.textContent = `The OpenAPI document could not be read: ${error}`;
  }
}

document.addEventListener("DOMContentLoaded", loadOperations);

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-demo]");
  if (!button) return;
  event.preventDefault();
  const operation = button.closest("details.operation");
  const out = (operation || button.closest("section")).querySelector(".exchanges");
  out.replaceChildren();
  button.disabled = true;
  try {
    if (operation) await sendOperation(operation, out);
    else await demos[button.dataset.demo](out);
  } finally {
    button.disabled = false;
    out.dataset.done = String(Number(out.dataset.done || 0) + 1);
  }
});
