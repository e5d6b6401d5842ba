/** The reflow audit (see reflow-audit.ts) on the trainer's My sessions and the live room's pre-join page. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { auditPages, LONG_NAME, LONG_ORG, LONG_TITLE, LONG_VENUE, minutesFromNow, MODES, press, TEXT_200_AT_320 } from './reflow-audit.js';
import { browserAvailable, daysFromNow, launchWithFakeMedia, plusMinutes, serverAndBrowser, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('trainer pages: reflow, text spacing, resized text, focus not obscured, target size', () => {
  const env = serverAndBrowser();

  it('My sessions (upcoming, past, a second page): cards with long titles, both seat kinds, holds and a cancellation stay on screen, also at 320 px with text at 200%', async () => {
    const { t } = env.server;
    const org = await t.org(LONG_ORG);
    const trainer = await t.user('trainer', null, 'Dr Priya Ramanathan-Oyelaran');
    const staff = await t.user('staff', org.id, LONG_NAME);
    const now = t.clock.now().toISOString();
    const mk = (title: string, extra: Record<string, unknown>, days: number) => t.session({ title, startsAt: daysFromNow(days), endsAt: plusMinutes(daysFromNow(days), 90), ...extra }, trainer);
    const hybrid = await mk(`${LONG_TITLE} (hybrid)`, { mode: 'hybrid', venue: LONG_VENUE, capacity: { inPerson: 120, online: 300 } }, 2);
    expect((await t.request('PUT', `/api/sessions/${hybrid.id}/holds`, { as: trainer, body: { orgId: org.id, seat: 'in_person', seats: 12 } })).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${hybrid.id}/bookings`, { as: staff, body: { seat: 'in_person' } })).status).toBe(201);
    const cancelled = await mk(`${LONG_TITLE} (cancelled)`, { mode: 'in_person', venue: LONG_VENUE, capacity: { inPerson: 20 } }, 3);
    expect((await t.request('POST', `/api/sessions/${cancelled.id}/cancel`, { as: trainer, body: {} })).status).toBeLessThan(300);
    // More than a page of them (20 to a page).
    for (let i = 0; i < 20; i++) await mk(`${LONG_TITLE} (part ${i + 2})`, { mode: 'online', capacity: { online: 30 } }, 5 + i);
    // A past session, attended.
    const startsAt = daysFromNow(-2);
    t.clock.set(plusMinutes(startsAt, -24 * 60));
    const past = await t.session({ title: `${LONG_TITLE} (attended)`, mode: 'hybrid', venue: LONG_VENUE, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { inPerson: 10, online: 10 } }, trainer);
    const booked = (await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: staff, body: { seat: 'in_person' } })).json as { id: string };
    t.clock.set(now);
    expect((await t.request('PUT', `/api/sessions/${past.id}/attendance/${booked.id}`, { as: trainer, body: { attended: true, minutes: 88 } })).status).toBe(200);
    await recordAttendanceOutcomes(t.deps);
    await auditPages(
      env,
      trainer,
      [
        { path: '/trainer/sessions', heading: 'My sessions', steps: [press('Next page', 'link')] },
        { path: '/trainer/sessions?when=past', heading: 'My sessions' },
      ],
      [...MODES, TEXT_200_AT_320],
    );
  }, 400_000);
});

describe.skipIf(!browserAvailable)('the live room’s pre-join page (fake camera and microphone)', () => {
  const env = serverAndBrowser({ launch: launchWithFakeMedia });

  it('pre-join, with the camera on and off: nothing off screen, cut off, overlapping, too small or hidden from focus, also at 320 px with text at 200%', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org(LONG_ORG)).id, LONG_NAME);
    const s = await t.session({ title: `${LONG_TITLE} (live now)`, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60), capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    // The box shows unticked until the camera has started (joining then would be with it off), so it is unticked once ticked.
    const cameraOff = {
      name: 'with the camera off',
      run: async (p: Page) => {
        const box = p.getByRole('checkbox', { name: 'Join with my camera on', checked: true });
        await box.waitFor();
        await box.uncheck();
        await p.getByText('Camera is off').waitFor();
      },
    };
    await auditPages(env, staff, [{ path: `/sessions/${s.id}/room`, heading: `Live room: ${LONG_TITLE} (live now)`, steps: [cameraOff] }], [...MODES, TEXT_200_AT_320], { permissions: ['camera', 'microphone'] });
  }, 240_000);
});
