/** Extension ids the extension-host bench activates (no `vscode` import: the driver loads this too). */
export const OURS_ID = 'azmon-python.azure-monitor-python';
export const HELLO_ID = 'azmon-bench.hello';
