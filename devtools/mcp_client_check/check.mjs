// The TypeScript MCP SDK (an independent client) against a running MCP endpoint.
// Usage: node check.mjs <url> <tools.json> ; tools.json maps each tool the function
// registers to example arguments (written by __main__.py from the Python registry, so a new
// tool is called without editing this file). Exit 0 when every check passes.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";

const [url, toolsFile, viewUri] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(toolsFile, "utf8"));
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const client = new Client({ name: "ts-sdk-check", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
check(client.getServerVersion()?.name === "aliexpress-affiliate", "serverInfo name");
check(Boolean(client.getInstructions()), "instructions");
const caps = client.getServerCapabilities() ?? {};
check(caps.tools?.listChanged !== true, "tools.listChanged advertised");
check(caps.resources?.subscribe !== true, "resources.subscribe advertised");

const { tools } = await client.listTools();
const names = tools.map((tool) => tool.name);
check(JSON.stringify(names) === JSON.stringify(Object.keys(expected)), `tools ${names}`);
for (const [name, args] of Object.entries(expected)) {
  const result = await client.callTool({ name, arguments: args });
  check(!result.isError, `${name}: ${JSON.stringify(result.content).slice(0, 200)}`);
  check(result.structuredContent && result.content?.[0]?.text, `${name}: no structured/text`);
}
const bad = await client.callTool({ name: "search_products", arguments: { page: 0 } });
check(bad.isError && bad.content[0].text.includes("invalid_request"), "bad argument");
const view = await client.readResource({ uri: viewUri });
check(view.contents[0].mimeType === "text/html;profile=mcp-app", "view MIME type");
await client.close();

console.log(JSON.stringify({ sdk_protocol: LATEST_PROTOCOL_VERSION, tools: names.length, failures }));
process.exit(failures.length ? 1 : 0);
