import type { ConnectionConfig, OperationName } from './types.js';

/** The package that decides an operation on a connection: its own entry in `policies`, else `policy`. */
export function policyFor(connection: ConnectionConfig, operation: OperationName): string {
  return connection.operationPolicies[operation] ?? connection.policy;
}
