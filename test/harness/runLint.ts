/**
 * The `lint` layer of `npm test`: ESLint over the whole tree with `eslint.config.mjs` (recommended
 * rules plus the layer boundaries). Each linted file is one test: clean files pass, a file with a
 * problem fails with its first message, so the closing summary counts them like any other layer.
 */
import * as fs from 'fs';
import { ESLint } from 'eslint';
import * as path from 'path';
import { REPO_ROOT } from './paths';

async function main(): Promise<void> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const results = await eslint.lintFiles(['.']);
  const failures: { title: string; error: string }[] = [];
  let passed = 0;
  for (const result of results) {
    const relative = path.relative(REPO_ROOT, result.filePath);
    const problems = result.messages.filter((message) => message.severity === 2 || message.fatal);
    if (problems.length === 0) {
      passed++;
      continue;
    }
    for (const problem of problems) {
      console.log(`${relative}:${problem.line}:${problem.column}  ${problem.message}  ${problem.ruleId ?? ''}`);
    }
    const first = problems[0];
    failures.push({ title: `lint ${relative}`, error: `${relative}:${first.line}:${first.column} ${first.message} (${first.ruleId ?? 'parse'}); ${problems.length} problem(s)` });
  }
  console.log(`lint: ${results.length} files, ${failures.length} with problems`);
  const file = process.env.MOCHA_SUMMARY_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify({ passed, failed: failures.length, failures }, null, 2));
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
