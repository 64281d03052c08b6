import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * Who may do what, and what they did: users, API keys, the audit log and the failed sign-ins the
 * rate limit counts. Roles and actor kinds are text checked by the TypeScript types, like the
 * statuses of 0001, so a new role needs no table rebuild on SQLite.
 */
export function security(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        // The email folded in JS (trim, NFC, lower case): the same rule on both databases, where
        // lower() differs (SQLite folds ASCII only), and an index every sign-in can use.
        .addColumn('email_key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('disabled_at', t.timestamp)
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull().unique())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp)
        .addColumn('revoked_at', t.timestamp)
        .addColumn('last_used_at', t.timestamp)
        .execute();

      // No foreign keys: an entry outlives the user, key or object it names (hence actor_display).
      await db.schema
        .createTable('audit_log')
        .addColumn('id', t.serialType, t.serial)
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_display', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_kind', 'text')
        .addColumn('target_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('details', t.json)
        .execute();
      await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute();
      await db.schema
        .createIndex('audit_log_actor_idx')
        .on('audit_log')
        .columns(['actor_kind', 'actor_id'])
        .execute();
      await db.schema
        .createIndex('audit_log_target_idx')
        .on('audit_log')
        .columns(['target_kind', 'target_id'])
        .execute();
      await db.schema.createIndex('audit_log_action_idx').on('audit_log').column('action').execute();

      await db.schema
        .createTable('login_attempts')
        .addColumn('id', t.serialType, t.serial)
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_attempts_key_idx')
        .on('login_attempts')
        .columns(['key', 'at'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of ['login_attempts', 'audit_log', 'api_keys', 'users']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
