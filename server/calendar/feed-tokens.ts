/**
 * Calendar feed tokens, derived rather than drawn at random, so that a person asking for
 * their feed address again gets the same one:
 *
 *   token = base64url(HMAC-SHA256(secret, "calendar-feed:v1:<owner kind>:<owner id>:<maker id>:<generation>"))
 *
 * Only the token's SHA-256 is stored (with its generation), as before; a feed is still
 * found by that hash alone. Rotating a feed revokes every live token of it, and the next
 * token is of a later generation, so it differs from every token the feed had.
 *
 * The secret is `FEED_TOKEN_SECRET` when set. Otherwise it is a random one the server makes
 * once and keeps in `server_secrets` (insert-if-absent, so every process and every restart
 * agrees): then anyone holding a copy of the database can work out live feed addresses,
 * which a configured secret prevents.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Deps } from '../platform/deps.js';

export type FeedOwnerKind = 'user' | 'org';

/** The name of the stored secret in `server_secrets`. */
export const STORED_SECRET_NAME = 'calendar_feed_tokens';

export const hashFeedToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function deriveFeedToken(secret: string, ownerKind: FeedOwnerKind, ownerId: string, makerId: string, generation: number): string {
  return createHmac('sha256', secret).update(`calendar-feed:v1:${ownerKind}:${ownerId}:${makerId}:${generation}`).digest('base64url');
}

/** The configured secret, or the one kept in the database (made by whichever process asks first). */
export async function feedTokenSecret(deps: Pick<Deps, 'config' | 'now'> & { db: Kysely<Database> }): Promise<string> {
  if (deps.config.feedTokenSecret) return deps.config.feedTokenSecret;
  const stored = () => deps.db.selectFrom('server_secrets').select('value').where('name', '=', STORED_SECRET_NAME).executeTakeFirst();
  const found = await stored();
  if (found) return found.value;
  await deps.db
    .insertInto('server_secrets')
    .values({ name: STORED_SECRET_NAME, value: randomBytes(32).toString('base64url'), created_at: deps.now().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await stored())!.value;
}
