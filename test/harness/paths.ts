/** Where things are: the repository, the cached VS Code test infrastructure, test outputs. */
import * as os from 'os';
import * as path from 'path';

/** Compiled files live in out/test/harness; the repository root is three levels up. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CODE_SERVER_VERSION = '4.100.3'; // = VS Code 1.100.3, the last code-server on Node 20

/** Outside the repository so clean clones and CI runs reuse one install. */
export const INFRA_DIR =
  process.env.AZMON_VSCODE_INFRA_DIR ?? path.join(os.homedir(), '.cache', 'azure-monitor-python', `code-server-${CODE_SERVER_VERSION}`);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TEST_RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
export const SAMPLE_WORKSPACE = path.join(REPO_ROOT, 'samples', 'python-app');
