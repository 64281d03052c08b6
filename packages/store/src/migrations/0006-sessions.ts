import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * Server-side sessions: the cookie names a row here, so signing out, a password or role change,
 * disabling an account and "sign out everywhere" end a session even in a copied cookie. Cookies
 * sealed before this migration name no row: everyone signs in once more after the upgrade.
 *
 * API keys without an owner (`created_by` null: keys minted by another key before issue 13) stop
 * working from this version on, since nobody's role or disabling would limit them; an admin makes
 * new ones while signed in.
 */
export function sessions(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('ended_at', t.timestamp)
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
    },

    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sessions').execute();
    },
  };
}
