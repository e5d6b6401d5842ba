/**
 * The live room in real Chromium against a real LiveKit server, when one is configured:
 * LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET (e.g. `livekit-server --dev` gives
 * ws://127.0.0.1:7880, devkey, secret). A trainer and an attendee join a workshop room with
 * fake camera and microphone, see each other, chat, raise a hand, and a captioner's typed
 * caption reaches the other browser on `lk.transcription`. Otherwise it says why it skipped.
 */
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, browserAvailable, expectNoAxeViolations, newPage, signIn, skipReason, serverAndBrowser } from './harness.js';

const url = process.env.LIVEKIT_URL;
const apiKey = process.env.LIVEKIT_API_KEY;
const apiSecret = process.env.LIVEKIT_API_SECRET;
const configured = !!(url && apiKey && apiSecret);
if (!configured) {
  console.log('room-livekit.test.ts skipped: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to run the browser room against a real LiveKit server (for example `livekit-server --dev`).');
} else if (!browserAvailable) {
  console.log(`room-livekit.test.ts: ${skipReason}`);
}

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function joinRoom(page: Page, sessionId: string) {
  await page.goto(`/sessions/${sessionId}/room`);
  const join = page.getByRole('button', { name: 'Join the session' });
  await join.waitFor({ timeout: 15_000 });
  await page.getByLabel('Preview of your camera').waitFor();
  await join.click();
  await page.getByRole('group', { name: 'Room controls' }).waitFor({ timeout: 20_000 });
}

describe.skipIf(!configured || !browserAvailable)('the browser room with a real LiveKit server', () => {
  const env = serverAndBrowser({ server: { config: { livekit: { url: url!, apiKey: apiKey!, apiSecret: apiSecret! } } }, launch: () => chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'], headless: true, timeout: 20_000 }) });

  it('two people join, see each other, chat, raise a hand and get typed captions', async () => {
    const { t } = env.server;
    const org = await t.org('Oakfield Primary');
    const trainer = await t.user('trainer', null, 'Tom Trainer');
    const attendee = await t.user('staff', org.id, 'Asha Patel');
    await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', attendee.id).execute();
    const s = await t.session({ title: 'Workshop', roomKind: 'workshop', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: attendee, body: {} })).json.status).toBe('confirmed');
    // Captioners caption a session once a trainer assigns them to it.
    expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: trainer, body: { identity: `user-${attendee.id}`, assigned: true } })).status).toBe(200);

    const tp = await newPage(env.browser, env.server, { permissions: ['camera', 'microphone'] });
    const ap = await newPage(env.browser, env.server, { permissions: ['camera', 'microphone'] });
    await signIn(tp, trainer);
    await signIn(ap, attendee);
    await joinRoom(tp, s.id);
    await joinRoom(ap, s.id);

    // Each sees the other's video tile; the trainer's live attendance shows the attendee here.
    await tp.getByLabel('Video of Asha Patel').waitFor({ timeout: 20_000 });
    await ap.getByLabel('Video of Tom Trainer').waitFor({ timeout: 20_000 });
    const attendance = tp.getByRole('region', { name: 'Attendance', exact: true });
    await attendance.getByText('Here now: 1 of 1 person booked.').waitFor();

    // Chat over text streams on lk.chat.
    await ap.getByLabel('Message').fill('Hello from Asha');
    await ap.getByRole('button', { name: 'Send' }).click();
    await tp.getByRole('region', { name: 'Chat messages' }).getByText('Hello from Asha').waitFor();

    // Raise hand: a participant attribute the server sets, which the trainer sees.
    await ap.getByRole('button', { name: 'Raise hand' }).click();
    await tp.getByRole('list', { name: 'Raised hands' }).getByRole('listitem').filter({ hasText: 'Asha Patel' }).waitFor();

    // The captioner's typed line reaches the trainer's captions panel as a final caption.
    await ap.getByLabel('Live caption').fill('Welcome to the workshop');
    await ap.getByRole('button', { name: 'Send caption line' }).click();
    const caption = tp.getByRole('region', { name: 'Caption text' }).locator('.caption-final').filter({ hasText: 'Welcome to the workshop' });
    await caption.waitFor({ timeout: 10_000 });

    // Mute: the toolbar button reflects the state.
    const mute = tp.getByRole('button', { name: 'Mute microphone' });
    await mute.click();
    await tp.waitForFunction(() => document.querySelector('button[aria-pressed="true"]')?.textContent?.includes('Mute microphone'));
    await expectNoAxeViolations(tp, 'live room (trainer)');
    await expectNoAxeViolations(ap, 'live room (attendee)');

    await ap.getByRole('button', { name: 'Leave session' }).click();
    await ap.getByRole('heading', { name: 'You are not in the room' }).waitFor();
    await tp.context().close();
    await ap.context().close();
  }, 90_000);
});
