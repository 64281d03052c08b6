import { mysqlConnector } from '../mysql/mysql-connector.ts';
import { postgresConnector } from '../postgres/postgres-connector.ts';
import { sqliteConnector } from '../sqlite/sqlite-connector.ts';
import type { ConnectorDescriptor } from './connector.ts';

export type * from './connector.ts';

/**
 * Every database DataBridge reads and writes, one descriptor each. A new database is its folder plus
 * one line here; the compiler then asks for its opener in connectors/open.ts, and the contract suite
 * (test/registry-contract.test.ts) runs over it.
 */
export const CONNECTORS = [postgresConnector, mysqlConnector, sqliteConnector] as const;

/** The dialect names the registry knows: `postgres | mysql | sqlite`. */
export type ConnectorName = (typeof CONNECTORS)[number]['name'];

/** The kinds a user picks in the connection form (MariaDB beside MySQL). */
export type ConnectorKindName = (typeof CONNECTORS)[number]['kinds'][number]['kind'];

/** The descriptor of a dialect. */
export function connectorOf(name: ConnectorName): ConnectorDescriptor {
  return CONNECTORS.find((c) => c.name === name)!;
}

/** The descriptor a URL scheme (without the colon, any case) names, or undefined. */
export function connectorForScheme(scheme: string): ConnectorDescriptor | undefined {
  const lower = scheme.toLowerCase();
  return CONNECTORS.find((c) => (c.schemes as readonly string[]).includes(lower));
}

/** The descriptor and kind a form kind (`mariadb`) names, or undefined. */
export function connectorForKind(
  kind: string,
): { connector: ConnectorDescriptor; scheme: string } | undefined {
  for (const connector of CONNECTORS) {
    const found = (connector.kinds as readonly { kind: string; scheme: string }[]).find(
      (k) => k.kind === kind,
    );
    if (found) return { connector, scheme: found.scheme };
  }
  return undefined;
}
