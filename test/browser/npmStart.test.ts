/** Keeps the README's first set-up command true: `npm start` brings up VS Code with the extension. */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, TEST_RESULTS_DIR } from '../harness/paths';

describe('npm start (the main job)', function () {
  this.timeout(240_000);

  it('starts VS Code with the extension and the sample workspace, and prints the URL to open', () => {
    const screenshot = path.join(TEST_RESULTS_DIR, 'npm-start.png');
    fs.rmSync(screenshot, { force: true });
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'scripts', 'start.js'), '--check'], {
      encoding: 'utf8',
      timeout: 200_000,
    });
    assert.strictEqual(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /Open: http:\/\/127\.0\.0\.1:\d+\/\?folder=.*samples%2Fpython-app&payload=/);
    assert.match(result.stdout, /Telemetry stays on this machine/);
    assert.ok(fs.statSync(screenshot).size > 10_000, 'a real screenshot of the workbench was taken');
  });
});
