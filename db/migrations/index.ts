/**
 * Every migration, by name, in name order (the order Kysely runs them). Names are
 * date-prefixed and never change once released; add new migrations at the end with a
 * later name.
 */
import type { Migration } from 'kysely';
import * as m01 from './20261124_01_accounts_catalogue.js';
import * as m02 from './20261124_02_bookings_outbox.js';
import * as m03 from './20261124_03_calendar.js';
import * as m04 from './20261124_04_timetables.js';
import * as m05 from './20261124_05_live.js';
import * as m06 from './20261124_06_performance.js';
import * as m07 from './20261124_07_outbox_facts.js';
import * as m08 from './20261124_08_seat_counts_index.js';
import * as m09 from './20261124_09_bookings_user_index.js';
import * as m10 from './20261130_10_account_lifecycle.js';
import * as m11 from './20261130_11_idempotency_keys.js';
import * as m12live from './20261130_12_live_trust.js';
import * as m13 from './20261130_13_stored_seat_counts.js';
import * as m14 from './20261130_14_org_kinds_course_trainers.js';
import * as m18 from './20261130_18_sign_in_links.js';
import * as m18b from './20261130_18b_identity_providers.js';
import * as m20 from './20261130_20_inhouse.js';
import * as m21area from './20261201_01_session_area.js';
import * as m2103 from './20261201_03_materials.js';
import * as m1204 from './20261201_04_reach.js';
import * as m2605 from './20261201_05_feedback_certificates.js';
import * as m0106 from './20261201_06_feed_revisions.js';
import * as m0201 from './20261202_01_stable_feed_tokens.js';
import * as m0301 from './20261203_01_last_queue_seq.js';
import * as m0401 from './20261204_01_outbox_due_order.js';
import * as m0501cert from './20261205_01_certificate_revisions.js';
import * as m0502att from './20261205_02_attendance_minutes_unknown.js';
import * as m0601roles from './20261206_01_users_role_name.js';
import * as m0701actor from './20261207_01_outbox_actor.js';
import * as m0801offers from './20261208_01_offers_due.js';
import * as m0901zones from './20261209_01_canonical_time_zones.js';
import * as m1001erasure from './20261210_01_erasure.js';
import * as m1101order from './20261211_01_outbox_booking_order.js';
import * as m1201bookingEnds from './20261212_01_booking_ends_at.js';
import * as m1301claimScope from './20261213_01_org_claim_scope.js';
import * as m1401auditDetail from './20261214_01_audit_detail.js';
import * as m1402former from './20261214_02_former_details.js';
import * as m1501cancellation from './20261215_01_session_cancellation.js';
import * as m1502certTimes from './20261215_02_certificate_times.js';
import * as m1601openToEnd from './20261216_01_booking_open_to_end.js';

export const migrations: Record<string, Migration> = {
  '20261124_01_accounts_catalogue': m01,
  '20261124_02_bookings_outbox': m02,
  '20261124_03_calendar': m03,
  '20261124_04_timetables': m04,
  '20261124_05_live': m05,
  '20261124_06_performance': m06,
  '20261124_07_outbox_facts': m07,
  '20261124_08_seat_counts_index': m08,
  '20261124_09_bookings_user_index': m09,
  '20261130_10_account_lifecycle': m10,
  '20261130_11_idempotency_keys': m11,
  '20261130_12_live_trust': m12live,
  '20261130_13_stored_seat_counts': m13,
  '20261130_14_org_kinds_course_trainers': m14,
  '20261130_18_sign_in_links': m18,
  '20261130_18b_identity_providers': m18b,
  '20261130_20_inhouse': m20,
  '20261201_01_session_area': m21area,
  '20261201_03_materials': m2103,
  '20261201_04_reach': m1204,
  '20261201_05_feedback_certificates': m2605,
  '20261201_06_feed_revisions': m0106,
  '20261202_01_stable_feed_tokens': m0201,
  '20261203_01_last_queue_seq': m0301,
  '20261204_01_outbox_due_order': m0401,
  '20261205_01_certificate_revisions': m0501cert,
  '20261205_02_attendance_minutes_unknown': m0502att,
  '20261206_01_users_role_name': m0601roles,
  '20261207_01_outbox_actor': m0701actor,
  '20261208_01_offers_due': m0801offers,
  '20261209_01_canonical_time_zones': m0901zones,
  '20261210_01_erasure': m1001erasure,
  '20261211_01_outbox_booking_order': m1101order,
  '20261212_01_booking_ends_at': m1201bookingEnds,
  '20261213_01_org_claim_scope': m1301claimScope,
  '20261214_01_audit_detail': m1401auditDetail,
  '20261214_02_former_details': m1402former,
  '20261215_01_session_cancellation': m1501cancellation,
  '20261215_02_certificate_times': m1502certTimes,
  '20261216_01_booking_open_to_end': m1601openToEnd,
};
