/** KQL the user can paste into Application Insights Logs to find the same telemetry in the portal. */

/** A KQL string literal (double-quoted, backslash escapes). */
export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
}

/** Every row of one end-to-end transaction, in time order. */
export function operationQuery(operationId: string): string {
  return [
    'union requests, dependencies, traces, exceptions, customEvents',
    `| where operation_Id == ${kqlString(operationId)}`,
    '| order by timestamp asc',
  ].join('\n');
}
