// Test oracle only: composes subgraph SDL files with Apollo's reference composer and prints
// the supergraph SDL. Usage: node compose.mjs NAME=URL=FILE ...
// Exit 1 with the composition errors on stderr when composition fails.
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const services = process.argv.slice(2).map((arg) => {
  const first = arg.indexOf("=");
  const last = arg.lastIndexOf("=");
  if (first < 0 || last === first) {
    console.error(`bad argument ${arg}: expected NAME=URL=FILE`);
    process.exit(2);
  }
  return {
    name: arg.slice(0, first),
    url: arg.slice(first + 1, last),
    typeDefs: parse(readFileSync(arg.slice(last + 1), "utf8")),
  };
});

const result = composeServices(services);
if (result.errors && result.errors.length > 0) {
  for (const error of result.errors) {
    console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  }
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
