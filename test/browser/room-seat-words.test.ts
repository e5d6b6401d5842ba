/**
 * The live room's refusals say what the person can actually do. Someone with an in-person seat
 * on a hybrid session cannot book a second seat: the page says they have an in-person seat and
 * points to "Change to an online seat" on the session's page, with the online seats free to
 * them. On a server without live video (no LiveKit), where "Joining is not available", a
 * missing camera and microphone are explained without "You can still join to watch and
 * listen", at no moment while the page loads. Keyboard only, axe-clean.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, daysFromNow, expectNoAxeViolations, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('the live room: what a refused person is told', () => {
  const env = serverAndBrowser();

  it('an in-person seat on a hybrid session: told so, and pointed to changing to an online seat on the session page (4 free), not to booking one', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Grove Primary');
    const staff = await t.user('staff', org.id, 'Pat Inperson');
    const s = await t.session({ title: 'Hybrid phonics', mode: 'hybrid', venue: 'Oak hall', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), capacity: { inPerson: 5, online: 4 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'in_person' } })).json).toMatchObject({ status: 'confirmed', seat: 'in_person' });

    const page = await newPage(env.browser, env.server);
    await signInAt(page, staff, `/sessions/${s.id}/room`);
    const notice = page.locator('#join-problem');
    await notice.getByRole('heading', { name: 'You have an in-person seat on this session' }).waitFor();
    const words = (await notice.innerText()).replace(/\s+/g, ' ');
    expect(words).toContain('Your seat is in person (Oak hall), and the live room is only for those with an online seat.');
    expect(words).toContain('To join online, change to an online seat on the session’s page (4 online seats free to you).');
    expect(words).not.toMatch(/Book an online seat|do not have an online place/);
    await expectNoAxeViolations(page, 'live room, in-person seat');

    // Keyboard only: the link leads to the session page, where the change is offered.
    await tabTo(page, 'change to an online seat on the session’s page');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/sessions/${s.id}`);
    await tabTo(page, /^Change to an online seat/);
    await page.context().close();
  });

  it('live video not configured, no camera or microphone: the device alert does not say they can still join, as the page says joining is not available', async () => {
    const { t } = env.server;
    const org = await t.org('Elm Primary');
    const staff = await t.user('staff', org.id, 'Sam Online');
    const now = Date.now();
    const s = await t.session({ title: 'Online makaton', startsAt: new Date(now - 5 * 60_000).toISOString(), endsAt: new Date(now + 55 * 60_000).toISOString(), capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, { permissions: ['camera', 'microphone'] });
    // No camera or microphone (as Chromium says without them); every alert the page shows is kept, however briefly.
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = async () => {
        throw new DOMException('Requested device not found', 'NotFoundError');
      };
      const seen: string[] = ((window as unknown as { alertsSeen: string[] }).alertsSeen = []);
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role=alert]')) if (el.textContent) seen.push(el.textContent);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await signInAt(page, staff, `/sessions/${s.id}/room`);
    await page.getByRole('heading', { name: 'Live video is not configured' }).waitFor();
    await page.getByText('Joining is not available: see the message above.').waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'No camera and microphone was found.' });
    await alert.waitFor();
    expect(await alert.innerText()).not.toMatch(/join/i);
    const seen = await page.evaluate(() => (window as unknown as { alertsSeen: string[] }).alertsSeen);
    expect(seen.filter((a) => /join to watch and listen/.test(a))).toEqual([]);
    // Keyboard only: "Check again" finds nothing still, and says so without offering to join.
    await tabTo(page, 'Check again');
    await page.keyboard.press('Enter');
    await page.getByText(/^Checked again: No camera and microphone was found/).waitFor();
    expect(await page.getByText(/^Checked again:/).innerText()).not.toMatch(/join/i);
    await expectNoAxeViolations(page, 'live room, not configured, no devices');
    await page.context().close();
  });
});
