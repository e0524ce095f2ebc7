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
    status.dataset.status = String(response.status);
    const fields = document.createElement("pre");
    fields.className = "headers";
    fields.textContent = [...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
    view.append(fields);
    const text = method === "HEAD" ? "" : await response.text();
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

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-demo]");
  if (!button) return;
  event.preventDefault();
  const out = button.closest("section").querySelector(".exchanges");
  out.replaceChildren();
  button.disabled = true;
  try {
    await demos[button.dataset.demo](out);
  } finally {
    button.disabled = false;
    out.dataset.done = String(Number(out.dataset.done || 0) + 1);
  }
});
