/** The reflow audit (see reflow-audit.ts) on the sessions list, the session pages and check-in. */
import { describe, expect, it } from 'vitest';
import { auditPages, LONG_TITLE, LONG_VENUE, minutesFromNow, press, staffWithBookings, type Step } from './reflow-audit.js';
import { browserAvailable, serverAndBrowser, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('staff pages: reflow, text spacing, resized text, focus not obscured, target size', () => {
  const env = serverAndBrowser();

  it('sessions list, session pages and check-in: nothing off screen, cut off, overlapping, too small or hidden from focus', async () => {
    const f = await staffWithBookings(env.server.t);
    // Check-in is open from a little before the start to the end: one under way, booked in person.
    const { t } = env.server;
    const now = await t.session({ title: `${LONG_TITLE} (in person, under way)`, mode: 'in_person', venue: LONG_VENUE, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60), capacity: { inPerson: 10 } });
    expect((await t.request('POST', `/api/sessions/${now.id}/bookings`, { as: f.staff })).status).toBe(201);
    const checkinSteps: Step[] = [
      { name: 'with the empty-code error', run: async (p) => { await p.getByRole('button', { name: 'Confirm check-in' }).click(); await p.locator('.error-summary').waitFor(); } },
      { name: 'with a wrong code refused', run: async (p) => { await p.fill('#checkin-code', '123456'); await p.getByRole('button', { name: 'Confirm check-in' }).click(); await p.locator('.error-summary').filter({ hasText: /code/i }).waitFor(); } },
    ];
    await auditPages(env, f.staff, [
      { path: '/sessions', heading: 'Sessions', steps: [{ name: 'with more filters open', run: async (p) => { await p.locator('.more-filters summary').click(); } }, press('Next page', 'link')] },
      { path: `/sessions/${f.online.id}`, heading: `${LONG_TITLE} (online)`, steps: [press('Cancel booking')] },
      { path: `/sessions/${f.inPerson.id}`, heading: `${LONG_TITLE} (in person)` },
      { path: `/sessions/${f.hybrid.id}`, heading: `${LONG_TITLE} (hybrid, full)` },
      { path: `/sessions/${f.offered.id}`, heading: `${LONG_TITLE} (seat offered)` },
      { path: `/sessions/${f.open.id}`, heading: `${LONG_TITLE} (not booked)` },
      { path: `/sessions/${f.live.id}`, heading: `${LONG_TITLE} (live now)` },
      { path: `/sessions/${now.id}/checkin`, heading: 'Check in', steps: checkinSteps },
    ]);
  }, 300_000);
});
