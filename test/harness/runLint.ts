/**
 * The `lint` layer of `npm test`: ESLint over the whole tree with `eslint.config.mjs` (recommended
 * rules plus the layer boundaries), and Prettier's formatting check (`.prettierrc.json`) on the same
 * files. Each linted file is one test: clean, formatted files pass; a file with a problem fails with
 * its first message (`npm run format` fixes the formatting ones), so the closing summary counts them
 * like any other layer.
 */
import * as fs from 'fs';
import { ESLint } from 'eslint';
import * as path from 'path';
import * as prettier from 'prettier';
import { REPO_ROOT } from './paths';

/** Whether Prettier would leave the file as it is (files Prettier ignores or cannot parse count as formatted). */
async function isFormatted(filePath: string): Promise<boolean> {
  const info = await prettier.getFileInfo(filePath, { ignorePath: path.join(REPO_ROOT, '.prettierignore') });
  if (info.ignored || info.inferredParser === null) return true;
  const options = (await prettier.resolveConfig(filePath)) ?? {};
  return prettier.check(fs.readFileSync(filePath, 'utf8'), { ...options, filepath: filePath });
}

async function main(): Promise<void> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const results = await eslint.lintFiles(['.']);
  const failures: { title: string; error: string }[] = [];
  let passed = 0;
  for (const result of results) {
    const relative = path.relative(REPO_ROOT, result.filePath);
    const problems = result.messages.filter((message) => message.severity === 2 || message.fatal);
    if (problems.length === 0) {
      if (await isFormatted(result.filePath)) {
        passed++;
      } else {
        console.log(`${relative}  not formatted (run npm run format)`);
        failures.push({ title: `lint ${relative}`, error: `${relative}: not formatted as .prettierrc.json says; run npm run format` });
      }
      continue;
    }
    for (const problem of problems) {
      console.log(`${relative}:${problem.line}:${problem.column}  ${problem.message}  ${problem.ruleId ?? ''}`);
    }
    const first = problems[0];
    failures.push({
      title: `lint ${relative}`,
      error: `${relative}:${first.line}:${first.column} ${first.message} (${first.ruleId ?? 'parse'}); ${problems.length} problem(s)`,
    });
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
