/**
 * The live room pages in real Chromium (fake camera and microphone): pre-join device check
 * and the "not configured" message on a server without LiveKit, the captions panel fed
 * through the room's own `lk.transcription` handler, caption settings remembered across a
 * reload, the trainer's attendance panel, the in-person register and the check-in page.
 */
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startLiveKitStandIn } from '../livekit-standin.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, browserAvailable, expectNoAxeViolations, newPage, signIn, signInAt, startServer, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

const FAKE_MEDIA = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/**
 * Collects the page's Content-Security-Policy violations for styles, scripts, images and
 * media (inline styles or scripts would show here). Connections are left out: one step
 * below points the room at a LiveKit address that the policy rightly refuses.
 */
function watchCsp(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' && /Content Security Policy/i.test(text) && /(style|script|img|media|default)-src/.test(text) && !/connect-src/.test(text)) errors.push(text);
  });
  return errors;
}

/** A caption sender as the room knows it (LiveKit's kind and permissions, the server's role). */
type Sender = { identity: string; agent: boolean; role: 'trainer' | 'captioner' | 'attendee' | null; canPublish: boolean };
const speakerSender = (identity: string): Sender => ({ identity, agent: false, role: 'attendee', canPublish: true });

/**
 * Delivers one transcription stream to the page, as LiveKit would hand it to the room:
 * opening attributes, the text in pieces, then the closing (trailer) attributes merged
 * into the stream's info as livekit-client does when the stream ends.
 */
async function deliverStream(page: Page, from: Sender, opening: Record<string, string>, text: string, closing: Record<string, string> = {}) {
  await page.evaluate(
    async ({ from, opening, text, closing }) => {
      const words = text.split(' ');
      const info = { id: `stream-${Math.random()}`, attributes: opening };
      const reader = {
        info,
        async *[Symbol.asyncIterator]() {
          for (let i = 0; i < words.length; i++) yield (i ? ' ' : '') + words[i];
          info.attributes = { ...info.attributes, ...closing };
        },
      };
      await window.liveRoomCaptions!.deliver(reader, from);
    },
    { from, opening, text, closing },
  );
}

async function deliverCaption(page: Page, identity: string, segmentId: string, text: string, final: boolean) {
  await deliverStream(page, speakerSender(identity), { 'lk.segment_id': segmentId, 'lk.transcription_final': String(final) }, text);
}

describe.skipIf(!browserAvailable)('live room, captions, register and check-in pages', () => {
  const env = serverAndBrowser({ launch: () => chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_MEDIA], headless: true, timeout: 20_000 }) });

  it('pre-join shows devices and says live video is not configured; captions arrive interim then final with names; settings persist; attendance lists attendees', async () => {
    const { t } = env.server;
    const org = await t.org('Oakfield Primary');
    const trainer = await t.user('trainer', null, 'Tom Trainer');
    const attendee = await t.user('staff', org.id, 'Asha Patel');
    const s = await t.session({ title: 'Understanding autism', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: attendee, body: {} })).json.status).toBe('confirmed');

    const page = await newPage(env.browser, env.server, { permissions: ['camera', 'microphone'] });
    const cspErrors = watchCsp(page);
    await signInAt(page, trainer, `/sessions/${s.id}/room`);
    await page.getByRole('heading', { level: 1, name: 'Live room: Understanding autism' }).waitFor();

    // The server has no LIVEKIT_* settings: the page says so plainly and offers no Join button.
    await page.getByRole('heading', { name: 'Live video is not configured' }).waitFor();
    expect(await page.getByRole('button', { name: 'Join the session' }).count()).toBe(0);

    // Camera and microphone check with labelled device choices (Chromium's fake devices).
    const camera = page.getByLabel('Camera', { exact: true });
    await camera.waitFor();
    expect(await camera.locator('option').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Microphone', { exact: true }).locator('option').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Microphone', { exact: true }).inputValue()).not.toBe('');
    expect(await camera.inputValue()).not.toBe('');
    await page.getByLabel('Preview of your camera').waitFor();
    await page.getByRole('checkbox', { name: 'Join with my camera on' }).waitFor();

    // The trainer's attendance panel lists who is booked.
    const attendance = page.getByRole('region', { name: 'Attendance', exact: true });
    await attendance.getByRole('rowheader', { name: 'Asha Patel' }).waitFor();
    expect((await attendance.innerText()).replace(/\s+/g, ' ')).toContain('Here now: 0 of 1 person booked.');
    await expectNoAxeViolations(page, 'room pre-join (not configured)');

    // Captions through the room's own transcription handler: interim, then final, with names.
    const captions = page.getByRole('region', { name: 'Caption text' });
    const attendeeIdentity = `user-${attendee.id}`;
    await deliverCaption(page, attendeeIdentity, 'seg-1', 'Could you say more', false);
    const seg1 = captions.locator('[data-segment-id="seg-1"]');
    await seg1.filter({ hasText: 'Could you say more' }).waitFor();
    expect(await seg1.getAttribute('class')).toContain('caption-interim');
    expect(await seg1.innerText()).toContain('Asha Patel:');
    expect(await page.locator('#caption-announcer').innerText()).toBe('');

    await deliverCaption(page, attendeeIdentity, 'seg-1', 'Could you say more about sensory breaks?', true);
    await seg1.filter({ hasText: 'Could you say more about sensory breaks?' }).waitFor();
    expect(await seg1.getAttribute('class')).toContain('caption-final');
    // Only the final text is announced to screen readers.
    await page.locator('#caption-announcer').filter({ hasText: 'Asha Patel: Could you say more about sensory breaks?' }).waitFor();
    // A late interim for the same segment does not overwrite the final text.
    await deliverCaption(page, attendeeIdentity, 'seg-1', 'Could you', false);

    await deliverCaption(page, `user-${trainer.id}`, 'seg-2', 'Yes, of course.', true);
    const seg2 = captions.locator('[data-segment-id="seg-2"]');
    await seg2.waitFor();
    expect(await seg2.innerText()).toContain('Tom Trainer (you):');
    // Read after seg-2, which arrived after the late interim, is shown.
    expect(await seg1.innerText()).toContain('sensory breaks?');
    expect(await captions.locator('li').allInnerTexts()).toHaveLength(2);

    // Caption settings: size, contrast and position, remembered after a reload.
    await page.getByText('Caption settings').click();
    await page.getByLabel('Text size').selectOption('x-large');
    await page.getByLabel('High contrast (yellow text on black)').check();
    await page.getByLabel('Beside the video').check();
    expect(await captions.getAttribute('class')).toContain('captions-size-x-large');
    expect(await captions.getAttribute('class')).toContain('captions-contrast');
    await expectNoAxeViolations(page, 'room pre-join with captions and settings open');

    // Single-key shortcuts: C hides and shows captions (and can be turned off, below).
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('c');
    await page.getByText('Captions are hidden.').waitFor();
    await page.keyboard.press('c');
    await captions.waitFor();

    // From here the join answer points at a LiveKit server that cannot be reached.
    await page.route('**/api/sessions/*/join', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ serverUrl: 'ws://127.0.0.1:9', token: 'not-a-token', room: `session-${s.id}`, identity: `user-${trainer.id}`, role: 'trainer', canPublish: true, roomKind: 'webinar', expiresAt: minutesFromNow(10), sessionEndsAt: minutesFromNow(60), captionsAgent: false }) }),
    );
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Live room: Understanding autism' }).waitFor();
    await page.getByText('Caption settings').click();
    expect(await page.getByLabel('Text size').inputValue()).toBe('x-large');
    expect(await page.getByLabel('High contrast (yellow text on black)').isChecked()).toBe(true);
    expect(await page.getByLabel('Beside the video').isChecked()).toBe(true);
    const after = page.getByRole('region', { name: 'Caption text' });
    expect(await after.getAttribute('class')).toContain('captions-size-x-large');

    // Join reports that the live video service cannot be reached, and stays on the check.
    await page.getByRole('button', { name: 'Join the session' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not connect to the live video service' }).waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'Check your camera and microphone' }).waitFor();
    await page.unroute('**/api/sessions/*/join');

    await page.getByLabel('Use single-key shortcuts').uncheck();
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('c');
    // Settled: turning shortcuts back on is drawn after that key press, and then C hides the
    // captions (which it would not, being a toggle, had the first press hidden them already).
    await page.getByLabel('Use single-key shortcuts').check();
    expect(await page.getByText('Captions are hidden.').count()).toBe(0);
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('c');
    await page.getByText('Captions are hidden.').waitFor();
    // Nothing on the page broke the Content Security Policy (no inline styles or scripts).
    expect(cspErrors).toEqual([]);
    await page.context().close();
  });

  it('check-in page: a wrong code is refused clearly, the right code checks in; the register shows the code and QR and records a tick', async () => {
    const { t } = env.server;
    const org = await t.org('Beech Academy');
    const trainer = await t.user('trainer', null, 'Rita Trainer');
    const attendee = await t.user('staff', org.id, 'Ben Okafor');
    const other = await t.user('staff', org.id, 'Cara Singh');
    const s = await t.session({ title: 'Inclusive classrooms', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-10), endsAt: minutesFromNow(50), capacity: { inPerson: 5 } }, trainer);
    for (const u of [attendee, other]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} })).json.status).toBe('confirmed');

    // The trainer's register: the current code and its QR code, and a tick box per person.
    const tp = await newPage(env.browser, env.server);
    await signInAt(tp, trainer, `/sessions/${s.id}/register`);
    await tp.getByRole('heading', { level: 1, name: 'Register: Inclusive classrooms' }).waitFor();
    const codeText = tp.locator('.checkin-code');
    // Should the code not come, the failure says what the panel showed instead.
    await codeText.waitFor().catch(async (e: Error) => {
      throw new Error(`${e.message}\nThe check-in code panel showed: ${await tp.getByRole('region', { name: 'Check-in code' }).innerText()}`);
    });
    const shown = (await codeText.innerText()).replace(/\D/g, '');
    expect(shown).toMatch(/^\d{6}$/);
    const qr = tp.getByRole('img', { name: /QR code that opens the check-in page/ });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await tp.getByRole('rowheader', { name: 'Cara Singh' }).waitFor();
    await expectNoAxeViolations(tp, 'register page');

    const tick = tp.getByRole('checkbox', { name: 'Cara Singh attended' });
    expect(await tick.isChecked()).toBe(false);
    await tick.check();
    await tp.getByRole('status').filter({ hasText: 'Cara Singh marked as attended.' }).waitFor();
    await tp.getByText(/Marked present by Rita Trainer/).waitFor();
    expect(await tick.isChecked()).toBe(true);
    const csv = await tp.evaluate(async (id) => (await fetch(`/api/sessions/${id}/attendance.csv`)).text(), s.id);
    expect(csv).toContain('Cara Singh');

    // The attendee's phone: a wrong code first, then the code on the trainer's screen.
    const code = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: trainer })).json.code as string;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const ap = await newPage(env.browser, env.server, { viewport: { width: 390, height: 800 } });
    const apCsp = watchCsp(ap);
    await signInAt(ap, attendee, `/sessions/${s.id}/checkin?code=${wrong}`);
    await ap.getByRole('heading', { level: 1, name: 'Check in' }).waitFor();
    expect(await ap.getByLabel('Check-in code').inputValue()).toBe(wrong);
    await ap.getByRole('button', { name: 'Confirm check-in' }).click();
    // Said in the error summary (which takes focus) and beside the field, which is marked invalid and described by it.
    const refused = ap.getByRole('alert').filter({ hasText: 'There is a problem' });
    await refused.waitFor();
    expect(await refused.innerText()).toMatch(/wrong or has expired/);
    const field = ap.getByLabel('Check-in code');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await ap.locator('#checkin-code-error').innerText()).toMatch(/wrong or has expired/);
    expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain('checkin-code-error');
    await expectNoAxeViolations(ap, 'check-in page after a wrong code');

    // Keyboard only: Tab to the field, type the code, Enter.
    await ap.getByRole('heading', { level: 1 }).focus();
    await tabTo(ap, 'Check-in code');
    await ap.keyboard.press('Control+A');
    await ap.keyboard.type(code);
    await ap.keyboard.press('Enter');
    const ok = ap.getByRole('status').filter({ hasText: 'Checked in' });
    await ok.waitFor();
    expect(await ok.innerText()).toContain('You are checked in to Inclusive classrooms');
    await expectNoAxeViolations(ap, 'check-in page after checking in');
    expect(apCsp).toEqual([]);

    // The register sees the check-in on its next refresh (reload here rather than wait 30 s).
    await tp.reload();
    const benRow = tp.getByRole('row').filter({ has: tp.getByRole('rowheader', { name: 'Ben Okafor' }) });
    await benRow.getByText('Checked in').waitFor();
    await tp.context().close();
    await ap.context().close();
  });
  it('with LiveKit configured: a listener is told when the room opens, and a failed connection is reported without leaving the page', async () => {
    const lk = await startLiveKitStandIn();
    const live = await startServer({ config: { livekit: lk.config } });
    try {
      const { t } = live;
      const org = await t.org('Elm Nursery');
      const attendee = await t.user('staff', org.id, 'Dee Morgan');
      const later = await t.session({ title: 'Later session', startsAt: minutesFromNow(120), endsAt: minutesFromNow(180), capacity: { online: 5 } });
      const now = await t.session({ title: 'Webinar now', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } });
      for (const s of [later, now]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: attendee, body: {} })).json.status).toBe('confirmed');

      const page = await newPage(env.browser, live, { permissions: ['camera', 'microphone'] });
      await signInAt(page, attendee, `/sessions/${later.id}/room`);
      await page.getByRole('heading', { name: 'The live room is not open yet' }).waitFor();
      await page.getByRole('button', { name: 'Check now' }).waitFor();
      expect(await page.getByRole('button', { name: 'Join the session' }).count()).toBe(0);
      await expectNoAxeViolations(page, 'room before it opens');

      // A webinar attendee joins as a listener: no device check, and a Join button.
      await page.goto(`/sessions/${now.id}/room`);
      await page.getByText('You will join this session as a listener').waitFor();
      expect(await page.getByLabel('Camera', { exact: true }).count()).toBe(0);
      // Keyboard only: Tab to Join and press Enter.
      await page.getByRole('heading', { level: 1 }).focus();
      await tabTo(page, 'Join the session');
      await page.keyboard.press('Enter');
      // The stand-in only speaks LiveKit's HTTP room API, so the media connection fails: said plainly.
      await page.getByRole('alert').filter({ hasText: 'Could not connect to the live video service' }).waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Join the session' }).waitFor();
      expect(lk.calls.some((c) => c.method === 'CreateRoom')).toBe(true);
      await expectNoAxeViolations(page, 'room after a failed connection');
      await page.context().close();
    } finally {
      await live.close();
      await lk.close();
    }
  });

  it('removal and "End for everyone" stick until a trainer undoes them; only allowed senders’ captions show, an agent’s becoming final when its stream closes', async () => {
    const lk = await startLiveKitStandIn();
    const live = await startServer({ config: { livekit: lk.config } });
    try {
      const { t } = live;
      const org = await t.org('Ash Primary');
      const trainer = await t.user('trainer', null, 'Rosa Trainer');
      const attendee = await t.user('staff', org.id, 'Dee Morgan');
      const s = await t.session({ title: 'Webinar now', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } }, trainer);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: attendee, body: {} })).json.status).toBe('confirmed');
      expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: trainer, body: { identity: `user-${attendee.id}` } })).json).toEqual({ ok: true, applied: false });

      // The removed attendee is told so, with no way to join.
      const ap = await newPage(env.browser, live);
      await signInAt(ap, attendee, `/sessions/${s.id}/room`);
      await ap.getByRole('heading', { name: 'You were removed from this live room' }).waitFor();
      expect(await ap.getByRole('button', { name: 'Join the session' }).count()).toBe(0);
      await expectNoAxeViolations(ap, 'room for a removed attendee');

      // Captions on the attendee's page: an agent's stream that says it is final only when it
      // closes becomes final and is announced; a listener's stream (not allowed to caption) is not shown.
      const captions = ap.getByRole('region', { name: 'Caption text' });
      await deliverStream(ap, { identity: `user-${attendee.id}`, agent: false, role: 'attendee', canPublish: false }, { 'lk.segment_id': 'fake-1', 'lk.transcription_final': 'true' }, 'Words a listener made up');
      await deliverStream(ap, { identity: 'agent-AJ_stt', agent: true, role: null, canPublish: true }, { 'lk.segment_id': 'SG_1', 'lk.transcribed_track_id': 'TR_trainer' }, 'Welcome to the webinar', { 'lk.transcription_final': 'true' });
      const agentCaption = captions.locator('[data-segment-id="SG_1"]');
      await agentCaption.waitFor();
      expect(await agentCaption.getAttribute('class')).toContain('caption-final');
      expect(await agentCaption.innerText()).toContain('Automatic captions:');
      await ap.locator('#caption-announcer').filter({ hasText: 'Automatic captions: Welcome to the webinar' }).waitFor();
      expect(await captions.locator('[data-segment-id="fake-1"]').count()).toBe(0);
      expect(await captions.innerText()).not.toContain('Words a listener made up');

      // The trainer sees who was removed and lets them back in, by keyboard.
      const tp = await newPage(env.browser, live);
      await signInAt(tp, trainer, `/sessions/${s.id}/room`);
      const panel = tp.getByRole('region', { name: 'Who may join' });
      await panel.getByRole('list', { name: 'Removed from the room' }).getByText('Dee Morgan', { exact: true }).waitFor();
      await expectNoAxeViolations(tp, 'trainer room page with a removed attendee');
      await tp.getByRole('heading', { level: 1 }).focus();
      await tabTo(tp, 'Let back in: Dee Morgan');
      await tp.keyboard.press('Enter');
      await tp.getByRole('log', { name: 'Room announcements' }).filter({ hasText: 'Dee Morgan can join the room again.' }).waitFor();
      await panel.getByText('No one has been removed.').waitFor();

      await ap.getByRole('button', { name: 'Check again' }).click();
      await ap.getByRole('button', { name: 'Join the session' }).waitFor();

      // "End for everyone": the attendee cannot join; the trainer reopens the room.
      expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: trainer })).status).toBe(200);
      await ap.reload();
      await ap.getByRole('heading', { name: 'The trainer has ended this live room' }).waitFor();
      expect(await ap.getByRole('button', { name: 'Join the session' }).count()).toBe(0);
      await tp.reload();
      await tp.getByRole('button', { name: 'Reopen the room for attendees' }).click();
      await tp.getByRole('log', { name: 'Room announcements' }).filter({ hasText: 'The room is open to attendees again.' }).waitFor();
      // The trainer's page, with its panels, fits a 320 px wide screen without sideways scrolling.
      await tp.setViewportSize({ width: 320, height: 800 });
      expect(await tp.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await ap.reload();
      await ap.getByRole('button', { name: 'Join the session' }).waitFor();
      await ap.context().close();
      await tp.context().close();
    } finally {
      await live.close();
      await lk.close();
    }
  });
});
