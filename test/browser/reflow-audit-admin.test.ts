/**
 * The reflow audit (see reflow-audit.ts) on the administrator's pages that find organisations
 * and people a page at a time: People (its organisation picker), the Organisations list, an
 * organisation (its trust picker), training coverage and the staff not yet booked, with long
 * names and more than a page of each. The office's and trainer's such pages are in
 * reflow-audit-office.test.ts (split so both test workers share them).
 */
import { describe, it } from 'vitest';
import { auditPages, manyOrgsAndPeople, MODES, TEXT_200_AT_320 } from './reflow-audit.js';
import { browserAvailable, serverAndBrowser, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('pages that page and search organisations and people: reflow, text spacing, resized text, focus not obscured, target size', () => {
  const env = serverAndBrowser();

  it('People, Organisations, an organisation, coverage and not yet booked, with long names and more than a page, also at 320 px with text at 200%', async () => {
    const { school, admin } = await manyOrgsAndPeople(env.server.t);
    const adminPages = [
      { path: `/admin/people?orgId=${school.id}`, heading: 'People' },
      { path: '/admin/orgs?q=Kingfisher', heading: 'Organisations' },
      { path: `/admin/orgs/${school.id}`, heading: school.name },
      { path: '/reach', heading: /^Training coverage/ },
      { path: `/reach/not-booked?orgId=${school.id}`, heading: 'Staff not yet booked' },
    ];
    await auditPages(env, admin, adminPages, [...MODES, TEXT_200_AT_320]);
  }, 240_000);
});
