/** Extension ids the extension-host bench activates (no `vscode` import: the driver loads this too). */
export const OURS_ID = 'azmon-python.azure-monitor-python';
export const HELLO_ID = 'azmon-bench.hello';

/**
 * The first-command rows, each ours against hello's command that does the same kind of work:
 * - `show-log`: ours shows its log (Show Log); hello's shows its output channel the same way. Both
 *   reveal the Output view in the workbench, so the pair includes VS Code's own view work.
 * - `no-view`: ours is Clear Runtime Exceptions (no dialog, no view, nothing to clear yet); hello's
 *   appends a line. Neither opens anything: the pair is activation plus a command round trip.
 */
export const FIRST_COMMANDS = [
  { row: 'show-log', ours: 'azureMonitorPython.showLog', hello: 'azmonBenchHello.showLog' },
  { row: 'no-view', ours: 'azureMonitorPython.clearRuntimeExceptions', hello: 'azmonBenchHello.say' },
] as const;
