/**
 * Ticking someone present on the in-person register, in a real browser, by keyboard alone, at
 * 320 CSS px, axe-clean, as a tester found it: the row said "Corrected by Priya Sharma" and
 * "not recorded", as if a tick were a correction and something had gone missing. A tick is a
 * trainer marking someone present: the row says "Marked present by Priya Sharma". A tick gives
 * no minutes of its own (server/attendance/compute.ts, combine: a register tick says that someone
 * attended, not for how long, and the training record states no minutes it does not have), so
 * for someone the room and check-in saw nothing of, the row and the message say plainly that no
 * time in the room was recorded and how to give it (Correct). Someone checked in keeps the
 * minutes their check-in gives. An entry with minutes (Correct) is "Corrected by".
 */
import { describe, expect, it } from 'vitest';
import { bookBeforeStart, browserAvailable, checkPage, newPage, serverAndBrowser, signInTo, tabTo, typeInto, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('marking someone present on the register', () => {
  const env = serverAndBrowser();

  it('a tick says "Marked present by", and plainly that no time in the room was recorded; a checked-in person keeps their minutes; minutes given say "Corrected by" (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Oak School');
    const priya = await t.user('trainer', null, 'Priya Sharma');
    const [chloe, dafydd, erin] = [await t.user('staff', org.id, 'Chloe Jones'), await t.user('staff', org.id, 'Dafydd Price'), await t.user('staff', org.id, 'Erin Hall')];
    const s = await t.session({ title: 'Sensory circuits', mode: 'in_person', venue: 'Main hall', startsAt: minutesFromNow(-30), endsAt: minutesFromNow(30), capacity: { inPerson: 5 } }, priya);
    const ids: Record<string, string> = {};
    for (const u of [chloe, dafydd, erin]) ids[u.name] = (await bookBeforeStart(t, s, u)).json.id;
    // Dafydd checked in ten minutes ago.
    const now = t.clock.now().toISOString();
    t.clock.set(minutesFromNow(-10));
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: priya })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: dafydd, body: { code } })).status).toBe(200);
    t.clock.set(now);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, priya, `/sessions/${s.id}/register`, 'Register: Sensory circuits');
    const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    const recordedBy = (name: string) => row(name).locator('td[data-label="Recorded by"]');

    // Chloe: nothing recorded of her; ticked present by keyboard.
    await tabTo(page, 'Chloe Jones attended');
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: 'Chloe Jones marked as attended. No time in the room was recorded for them, so no minutes present are recorded: to give them, use Correct.' }).waitFor();
    await expect.poll(async () => flat(await recordedBy('Chloe Jones').innerText())).toMatch(/^Marked present by Priya Sharma, .+ \(no time in the room recorded: to give their minutes present, use Correct\)$/);
    expect(await recordedBy('Chloe Jones').getByText(/Corrected by/).count()).toBe(0);
    await checkPage(page, 'register after a tick with no time recorded');

    // Dafydd: checked in, ticked: marked present, with the minutes his check-in gives.
    await tabTo(page, 'Dafydd Price attended');
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: /^Dafydd Price marked as attended\.$/ }).waitFor();
    await expect.poll(async () => flat(await recordedBy('Dafydd Price').innerText())).toMatch(/^Marked present by Priya Sharma, [^()]+$/);
    expect(Number(await row('Dafydd Price').locator('td[data-label="Minutes"]').innerText())).toBeGreaterThanOrEqual(9);

    // Erin: ticked, then given 25 minutes with Correct: that is a correction.
    await tabTo(page, 'Erin Hall attended');
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: 'Erin Hall marked as attended.' }).waitFor();
    await expect.poll(async () => flat(await recordedBy('Erin Hall').innerText())).toMatch(/^Marked present by Priya Sharma/);
    await tabTo(page, 'Correct: Erin Hall');
    await page.keyboard.press('Enter');
    await typeInto(page, 'Minutes present', '25');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Erin Hall’s record corrected: attended, 25 minutes.' }).waitFor();
    await expect.poll(async () => flat(await recordedBy('Erin Hall').innerText())).toMatch(/^Corrected by Priya Sharma, [^()]+$/);

    // Unticked: marked absent, not "corrected".
    await tabTo(page, 'Chloe Jones attended', { back: true });
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: /^Chloe Jones marked as not attended\.$/ }).waitFor();
    await expect.poll(async () => flat(await recordedBy('Chloe Jones').innerText())).toMatch(/^Marked absent by Priya Sharma, [^()]+$/);
    await checkPage(page, 'register after ticks and a correction');

    // The server records what the page says: Chloe's tick gave no minutes, Dafydd's kept his check-in's.
    const items = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: priya })).json.items as { name: string; minutes: number | null; override: { minutes: number | null } | null }[];
    expect(items.find((r) => r.name === 'Dafydd Price')!.override).toMatchObject({ minutes: null });
    expect(items.find((r) => r.name === 'Erin Hall')).toMatchObject({ minutes: 25 });
  });
});
