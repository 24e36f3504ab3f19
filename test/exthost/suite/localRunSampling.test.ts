/**
 * Issue 19, "Run without sampling": the workspace setting decides whether apps VS Code starts get
 * the keep-every-trace sampler variables; "while local only" follows the relay's forwarding, and
 * nothing is set by default.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AzureMonitorPythonApi } from '../../../src/extension/api';
import { eventually, extensionApi, waitForRelayState } from '../extensionApi';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('azureMonitorPython');

describe('Local runs without sampling (issue 19)', function () {
  this.timeout(90_000);
  let api: AzureMonitorPythonApi;

  before(async () => {
    api = await extensionApi();
    await api.startRelay();
  });
  after(async () => {
    await config().update('localRuns.sampling', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('sets OTEL_TRACES_SAMPLER(_ARG) for new terminals only when the user chose it, and takes them away again', async () => {
    const status = await waitForRelayState(api, (current) => current.state === 'local-only', 'the relay is local-only');
    assert.strictEqual(status.state, 'local-only');
    assert.strictEqual(api.terminalEnvironment().OTEL_TRACES_SAMPLER, undefined, 'nothing by default');

    await config().update('localRuns.sampling', 'keepEveryTraceWhileLocalOnly', vscode.ConfigurationTarget.Workspace);
    const variables = await eventually(
      'the sampler variables',
      () => api.terminalEnvironment().OTEL_TRACES_SAMPLER !== undefined && api.terminalEnvironment(),
    );
    assert.strictEqual(variables.OTEL_TRACES_SAMPLER, 'microsoft.fixed_percentage');
    assert.strictEqual(variables.OTEL_TRACES_SAMPLER_ARG, '1.0');
    assert.ok(variables.APPLICATIONINSIGHTS_CONNECTION_STRING, 'the relay variables stay');

    await config().update('localRuns.sampling', 'asConfigured', vscode.ConfigurationTarget.Workspace);
    await eventually('the sampler variables gone', () => api.terminalEnvironment().OTEL_TRACES_SAMPLER === undefined);
    assert.strictEqual(api.terminalEnvironment().OTEL_TRACES_SAMPLER_ARG, undefined);
  });
});
