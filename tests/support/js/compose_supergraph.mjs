// Composes subgraph SDLs with Apollo's composition library and prints the outcome as JSON.
// Usage: node compose_supergraph.mjs <module dir> <name>=<sdl file> ...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [moduleDir, ...specs] = process.argv.slice(2);
const require = createRequire(path.join(moduleDir, "node_modules", "noop.js"));
const { composeServices } = require("@apollo/composition");
const { parse } = require("graphql");

const services = specs.map((spec) => {
  const [name, file] = spec.split("=");
  return { name, url: `http://${name}.invalid/graphql`, typeDefs: parse(readFileSync(file, "utf8")) };
});
const result = composeServices(services);
if (result.errors) {
  console.log(JSON.stringify({ ok: false, errors: result.errors.map((e) => e.message) }));
} else {
  console.log(JSON.stringify({ ok: true, supergraphSdl: result.supergraphSdl }));
}
