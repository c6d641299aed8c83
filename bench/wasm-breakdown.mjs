// Groups twiggy's `top --format csv` rows by crate into the table of BENCHMARKS.md ("Where the
// WASM bytes go"). Run by scripts/wasm-breakdown.sh. Custom sections (the kept names) are left
// out: the shipped module has none.

import { readFileSync } from "node:fs";

const GROUPS = [
  ["Leptos: tachys, reactive_graph, leptos and their helpers", ["tachys", "reactive_graph", "leptos", "leptos_router", "leptos_meta", "hydration_context", "any_spawner", "or_poisoned", "send_wrapper", "throw_error", "server_fn", "leptos_dom", "oco_ref", "next_tuple", "guardian"]],
  ["Rust's `core`, `alloc`, `std`: formatting, panics, collections", ["core", "alloc", "std", "__rustc", "compiler_builtins"]],
  ["Data segments (strings, including panic locations)", ["data"]],
  ["`app`, `frontend`: islands, session keeper", ["app", "frontend"]],
  ["`descope::browser` (the fetch client)", ["descope"]],
  ["`serde_json`, `serde`", ["serde_json", "serde_core", "serde", "zmij", "itoa", "ryu"]],
  ["`js_sys`, `web_sys`, `wasm_bindgen` and JS shims", ["js_sys", "web_sys", "wasm_bindgen", "wasm_bindgen_futures", "gloo_storage", "gloo_utils", "gloo_timers"]],
];
const REST = "`futures`, `hashbrown`, `dlmalloc` and the rest";

/** The crate an item of twiggy's belongs to, from its (demangled) name. */
function crateOf(name) {
  if (name.startsWith('"')) return null; // a custom section
  if (name.startsWith("data segment")) return "data";
  const bare = name.replace(/^<+/, "").replace(/&mut |&|dyn /g, "");
  const path = bare.match(/^([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::/);
  if (path) return path[1];
  const impl = bare.match(/^\S+ as ([a-z_][a-z0-9_]*)/);
  if (impl) return impl[1];
  if (/externref shim|^(elem|table|import|export|type|global)\b|^[A-Z]\w+_\d+ /.test(name)) return "wasm_bindgen";
  return "other";
}

const [header, ...lines] = readFileSync(process.argv[2], "utf8").trim().split("\n");
const columns = header.split(",");
const sizeAt = columns.indexOf("ShallowSize");
const totals = new Map();
let total = 0;
for (const line of lines) {
  // The name is the first column and may hold commas; the numbers follow it.
  const fields = line.split(",");
  const name = fields.slice(0, fields.length - (columns.length - 1)).join(",").replace(/^"|"$/g, "");
  const size = Number(fields[fields.length - (columns.length - sizeAt)]);
  const crate = crateOf(name);
  if (crate === null) continue;
  const group = GROUPS.find(([, crates]) => crates.includes(crate))?.[0] ?? REST;
  totals.set(group, (totals.get(group) ?? 0) + size);
  total += size;
}
console.log("| Part | Raw | Share |\n|---|---|---|");
for (const group of [...GROUPS.map(([g]) => g), REST]) {
  const size = totals.get(group) ?? 0;
  console.log(`| ${group} | ${(size / 1000).toFixed(0)} KB | ${((100 * size) / total).toFixed(0)}% |`);
}
console.log(`| total (code and data, before brotli) | ${(total / 1000).toFixed(0)} KB | 100% |`);
