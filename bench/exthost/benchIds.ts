/** Extension ids the extension-host bench activates (no `vscode` import: the driver loads this too). */
export const OURS_ID = 'azmon-python.azure-monitor-python';
export const HELLO_ID = 'azmon-bench.hello';
/** Commands the first-command figure runs: ours shows its log (no dialog, no relay needed), hello's writes a line. */
export const OURS_FIRST_COMMAND = 'azureMonitorPython.showLog';
export const HELLO_COMMAND = 'azmonBenchHello.say';
