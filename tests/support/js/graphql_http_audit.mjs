// Runs the graphql-http server audits against a live Frontdesk and prints the results as JSON.
// Usage: node graphql_http_audit.mjs <module dir> <url> <api key>
import { createRequire } from "node:module";
import path from "node:path";

const [moduleDir, url, apiKey] = process.argv.slice(2);
const require = createRequire(path.join(moduleDir, "node_modules", "noop.js"));
const { auditServer } = require("graphql-http");

// Every request carries the API key, as any real client of Frontdesk would.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set("X-API-Key", apiKey);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
const out = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    try {
      entry.response = await result.response.text();
      entry.responseStatus = result.response.status;
    } catch {
      entry.response = null;
    }
  }
  out.push(entry);
}
process.stdout.write(JSON.stringify(out));
