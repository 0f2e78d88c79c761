// A real Apollo gateway (IntrospectAndCompose) in front of live subgraphs.
// Usage: node apollo_gateway.mjs <module dir> <port> <name>=<url> ...
// The client's Authorization header is forwarded to every subgraph. Prints "ready <url>"
// once it serves, and exits when its standard input closes.
import { createRequire } from "node:module";
import path from "node:path";

const [moduleDir, port, ...specs] = process.argv.slice(2);
const require = createRequire(path.join(moduleDir, "node_modules", "noop.js"));
const { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } = require("@apollo/gateway");
const { ApolloServer } = require("@apollo/server");
const { startStandaloneServer } = require("@apollo/server/standalone");

const subgraphs = specs.map((spec) => {
  const [name, url] = spec.split("=");
  return { name, url };
});
const introspectionKey = process.env.GATEWAY_INTROSPECTION_KEY || "";

class AuthorizedDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    const authorization = context?.authorization || (introspectionKey && `Bearer ${introspectionKey}`);
    if (authorization) request.http.headers.set("authorization", authorization);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({ subgraphs }),
  buildService: ({ url }) => new AuthorizedDataSource({ url }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(port), host: "127.0.0.1" },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`ready ${url}`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await server.stop();
  process.exit(0);
});
