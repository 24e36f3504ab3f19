import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { commandLine, defaultShellKind, quoteArgument } from '../../../src/core/shellQuote';

describe('shell command lines for terminals', () => {
  it('leaves plain arguments alone', () => {
    assert.strictEqual(
      commandLine(['python3', '-m', 'pip', 'install', 'azure-monitor-opentelemetry'], 'posix'),
      'python3 -m pip install azure-monitor-opentelemetry',
    );
  });

  it('quotes paths with spaces and quotes for POSIX shells, and sh reads them back exactly', () => {
    const tricky = ['/home/me/my envs/py 3/bin/python', "it's", '$HOME', '`x`', ''];
    const line = commandLine(['printf', '%s\\n', ...tricky], 'posix');
    const output = execFileSync('sh', ['-c', line], { encoding: 'utf8' });
    assert.deepStrictEqual(output.split('\n').slice(0, -1), tricky);
  });

  it('uses the call operator and doubled quotes for PowerShell', () => {
    assert.strictEqual(
      commandLine(['C:\\Program Files\\Python312\\python.exe', '-m', 'pip'], 'powershell'),
      "& 'C:\\Program Files\\Python312\\python.exe' -m pip",
    );
    assert.strictEqual(quoteArgument("it's", 'powershell'), "'it''s'");
    assert.strictEqual(commandLine(['py', '-3', '-m', 'pip'], 'powershell'), 'py -3 -m pip');
  });

  it('picks PowerShell on Windows only', () => {
    assert.strictEqual(defaultShellKind('win32'), 'powershell');
    assert.strictEqual(defaultShellKind('linux'), 'posix');
    assert.strictEqual(defaultShellKind('darwin'), 'posix');
  });
});
