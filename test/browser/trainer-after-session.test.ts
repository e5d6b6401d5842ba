/**
 * What a trainer is offered for a session that is over or cancelled, walked as a trainer
 * would (keyboard only, at 320 CSS px, axe-clean): My sessions no longer offers "Seat holds"
 * for an ended session (the server refuses any change to them), and the holds page reached by
 * its address says plainly why it cannot be used; "Message attendees" stays, as a follow-up
 * to those who had a place, attended or not, never to those who were waiting; a cancelled
 * session's message and holds pages say why they cannot be used.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, newPage, serverAndBrowser, signIn, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** The names of the links in a My sessions card's actions. */
async function actionsOf(page: Page, title: string) {
  const card = page.getByRole('article', { name: title });
  await card.waitFor();
  return (await card.getByRole('list', { name: `Actions for ${title}` }).getByRole('link').allInnerTexts()).map((s) => s.trim());
}

describe.skipIf(!browserAvailable)('a trainer’s sessions once they are over or cancelled', () => {
  const env = serverAndBrowser();

  it('an ended session offers a follow-up message but no seat holds; its holds page says why it cannot be used (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const school = await t.org('Rowan Primary');
    const trainer = await t.user('trainer', null, 'Ros Trainer');
    const office = await t.user('office', school.id, 'Olu Office');
    const [came, missed, waited] = [await t.user('staff', school.id, 'Amy Allen'), await t.user('staff', school.id, 'Bea Bond'), await t.user('staff', null, 'Cal Cross')];
    // Booked and held before it began; it ended an hour ago, so its outcomes are due.
    t.clock.set(minutesFromNow(-240));
    const s = await t.session({ title: 'Precision teaching', mode: 'online', startsAt: minutesFromNow(-120), endsAt: minutesFromNow(-60), capacity: { online: 2 } }, trainer);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: school.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const ids: string[] = [];
    for (const p of [came, missed, waited]) ids.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.id);
    const upcoming = await t.session({ title: 'Precision teaching again', mode: 'online', startsAt: minutesFromNow(60 * 24 * 7), endsAt: minutesFromNow(60 * 24 * 7 + 60), capacity: { online: 5 } }, trainer);
    t.clock.set(new Date().toISOString());
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${ids[0]}`, { as: trainer, body: { attended: true } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/trainer/sessions?when=past');
    expect(await actionsOf(page, 'Precision teaching')).toEqual(['Who is coming', 'Edit or cancel', 'Message attendees', 'Feedback', 'Duplicate']);
    await checkPage(page, 'my past sessions');
    await page.goto('/trainer/sessions');
    expect(await actionsOf(page, upcoming.title)).toContain('Seat holds');

    // Reached by its address, the holds page shows what was held, and says why it cannot be changed.
    for (const [who, path, heading] of [
      [trainer, `/trainer/sessions/${s.id}/holds`, 'Seat holds: Precision teaching'],
      [office, `/sessions/${s.id}/holds`, 'Hold seats: Precision teaching'],
    ] as const) {
      const look = who === trainer ? page : await newPage(env.browser, env.server, NARROW);
      if (who !== trainer) await signInAt(look, who, path);
      else await look.goto(path);
      await look.getByRole('heading', { level: 1, name: heading }).waitFor();
      await look.getByText('This session has ended, so its seat holds can no longer be set, changed or released. They are shown as they were.').waitFor();
      expect((await look.getByRole('row').filter({ hasText: 'Rowan Primary' }).innerText()).replace(/\s+/g, ' ')).toContain('2 of 2');
      expect(await look.getByRole('button', { name: /^Release|Save hold|Save release time/ }).count()).toBe(0);
      expect(await look.getByLabel('Number of seats to hold').count()).toBe(0);
      await checkPage(look, `ended session's holds page at ${path}`);
    }

    // The follow-up message, from My sessions, by keyboard.
    await page.goto('/trainer/sessions?when=past');
    await page.getByRole('article', { name: 'Precision teaching' }).waitFor();
    await activate(page, 'Message attendees');
    await page.getByRole('heading', { level: 1, name: 'Message attendees: Precision teaching' }).waitFor();
    await page.getByText('This session has ended: a follow-up goes to the 2 people who had a place (attended or not), each once by email, with a link to their booking. People who were waiting are not written to.').waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await checkPage(page, 'follow-up message page');
    await tabTo(page, 'Message');
    await page.keyboard.type('The slides are on the session page.');
    await activate(page, 'Send message');
    await page.getByRole('status').filter({ hasText: 'Message sent to 2 people.' }).waitFor();
    expect((await t.mails('trainer_message')).map((m) => m.to_email).sort()).toEqual([came.email, missed.email].sort());
  });

  it('a cancelled session’s message and holds pages, reached by their address, say why they cannot be used (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Cas Trainer');
    await t.org('Willow Infants');
    const s = await t.session({ title: 'Social stories', mode: 'online', startsAt: minutesFromNow(60 * 24 * 3), endsAt: minutesFromNow(60 * 24 * 3 + 60), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: {} })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/message`);
    await page.getByRole('heading', { level: 1, name: 'Message attendees: Social stories' }).waitFor();
    await page.getByText('This session has been cancelled, so it can no longer be messaged: everyone on it was told when it was cancelled.').waitFor();
    expect(await page.getByRole('button', { name: 'Send message' }).count()).toBe(0);
    await checkPage(page, 'cancelled session’s message page');

    await page.goto(`/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Social stories' }).waitFor();
    await page.getByText('This session has been cancelled, so seats can no longer be held on it.').waitFor();
    expect(await page.getByRole('button', { name: 'Save hold' }).count()).toBe(0);
    await checkPage(page, 'cancelled session’s holds page');
  });
});
