// One call of the compiled typescript-fetch SDK, driven by tests/sdk/test_typescript_fetch.py.
//
//   node typescript_fetch_behaviour.mjs <compiled package folder> '<JSON scenario>'
//
// The scenario names the client options and the call; the script prints one JSON line: what
// the call resolved to, or the error it rejected with (name, status, message, and every way
// the error prints, so the test can look for secrets in it), plus how the client prints.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";

const [, , packageDir, scenarioText] = process.argv;
const sdk = await import(pathToFileURL(join(packageDir, "src", "index.js")).href);
const scenario = JSON.parse(scenarioText);
const client = new sdk.Plannr(scenario.client);

async function call() {
  const resource = client.timeEntries;
  switch (scenario.call) {
    case "retrieve":
      return resource.retrieve(scenario.uuid);
    case "allItems": {
      const page = await resource.list("client", "t-1", scenario.params ?? {});
      const uuids = [];
      for await (const item of page) {
        uuids.push(item.uuid);
      }
      return uuids;
    }
    case "nextPage": {
      const page = await resource.list("client", "t-1");
      return (await page.getNextPage()).items;
    }
    default:
      throw new Error(`unknown call ${scenario.call}`);
  }
}

const started = Date.now();
const result = { clientText: inspect(client, { depth: 10, showHidden: true }) };
try {
  result.value = await call();
  result.ok = true;
} catch (error) {
  result.ok = false;
  result.name = error?.name;
  result.isAPIError = error instanceof sdk.APIError;
  result.status = error?.status;
  result.message = String(error?.message);
  result.errorText = [String(error), error?.stack, inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)].join("\n");
}
result.ms = Date.now() - started;
console.log(JSON.stringify(result));
