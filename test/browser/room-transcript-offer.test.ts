/**
 * The live room offers "Download the transcript" only when the file can hold something: not
 * on a cancelled session (its room will not open; the header used to link an empty WebVTT),
 * not to its trainer before its room has opened, and to someone with a seat only once a
 * caption was saved (their booking's `hasTranscript`) or a final caption reached the page.
 * The file's first line keeps the session's title as written. Keyboard, 320 px, axe-clean.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLiveKitStandIn, type LiveKitStandIn } from '../livekit-standin.js';
import { browserAvailable, checkPage, daysFromNow, launchWithFakeMedia, newPage, plusMinutes, settled, signInAt, startServer, tabTo, warnIfSkipped, NARROW, type TestServer } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const LINK = 'Download the transcript';
const transcriptLinks = (page: Page) => page.getByRole('link', { name: LINK, exact: true }).count();

/**
 * Call before the room page is opened; await what it gives once it is open: the answers the
 * link waits on (the room's probe, POST …/join, and the person's bookings, which say whether a
 * caption was saved) have come, and the page has settled after them. A link missing then is
 * missing for good, not only not shown yet (it once was checked as soon as the times line was drawn).
 */
function answered(page: Page, sessionId: string) {
  const probe = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/sessions/${sessionId}/join`);
  const bookings = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/me/bookings');
  return async () => {
    await Promise.all([probe, bookings]);
    await settled(page);
  };
}

/** A final caption handed to the page's transcription handler, as the room hands LiveKit's streams to it. */
async function deliverFinal(page: Page, identity: string, segmentId: string, text: string) {
  await page.evaluate(
    async ({ identity, segmentId, text }) => {
      const info = { id: `stream-${segmentId}`, attributes: { 'lk.segment_id': segmentId, 'lk.transcription_final': 'true' } };
      const reader = {
        info,
        async *[Symbol.asyncIterator]() {
          yield text;
        },
      };
      await window.liveRoomCaptions!.deliver(reader, { identity, agent: false, role: 'trainer', canPublish: true });
    },
    { identity, segmentId, text },
  );
}

describe.skipIf(!browserAvailable)('the live room’s transcript link', () => {
  let lk: LiveKitStandIn;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    lk = await startLiveKitStandIn();
    [server, browser] = await Promise.all([startServer({ config: { livekit: lk.config } }), launchWithFakeMedia()]);
  });
  afterEach(async () => {
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await lk?.close();
  });

  it('a cancelled session’s room offers its trainer and an administrator no transcript (its room will not open)', async () => {
    const { t } = server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Cora Cancelled');
    const admin = await t.user('admin', null, 'Abe Admin');
    const startsAt = daysFromNow(4);
    const s = await t.session({ title: 'Speech & language', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: { reason: 'Trainer unwell.' } })).status).toBe(200);

    for (const who of [trainer, admin]) {
      const page = await newPage(browser, server, { ...NARROW, permissions: ['camera', 'microphone'] });
      const settledAfterAnswers = answered(page, s.id);
      await signInAt(page, who, `/sessions/${s.id}/room`);
      await page.getByRole('heading', { level: 1, name: 'Live room: Speech & language' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'This session has been cancelled' }).waitFor();
      // The session's times are shown in the same line the link was in: it is drawn, and once
      // everything the link waits on has answered, still without the link.
      await page.locator('.lede').waitFor();
      await settledAfterAnswers();
      expect(await transcriptLinks(page)).toBe(0);
      await checkPage(page, `a cancelled session’s live room, to ${who.name}`);
    }
  });

  it('to its trainer: none before the room opens; offered once the room is open', async () => {
    const { t } = server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Tia Early');
    const startsAt = daysFromNow(3);
    const s = await t.session({ title: 'Early years <b>play</b>', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } }, trainer);

    const page = await newPage(browser, server, { ...NARROW, permissions: ['camera', 'microphone'] });
    const settledAfterAnswers = answered(page, s.id);
    await signInAt(page, trainer, `/sessions/${s.id}/room`);
    await page.getByRole('heading', { level: 2, name: 'The live room is not open yet' }).waitFor();
    await page.locator('.lede').waitFor();
    await settledAfterAnswers();
    expect(await transcriptLinks(page)).toBe(0);
    await checkPage(page, 'a trainer’s live room before it opens');

    // The session's time comes: checking again opens the room, and the transcript is offered.
    t.clock.set(plusMinutes(startsAt, 5));
    await tabTo(page, 'Check now', { max: 80 });
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Join the session' }).waitFor();
    await page.getByRole('link', { name: LINK, exact: true }).waitFor();
    await checkPage(page, 'a trainer’s live room once open');
  });

  it('to someone with a seat: none before any caption; offered once a final caption reaches the page, and on load once one is saved, downloading the title as written', async () => {
    const { t } = server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Tom Talker');
    const staff = await t.user('staff', (await t.org()).id, 'Sia Seated');
    const s = await t.session({ title: 'Speech & language --> next steps', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');

    const page = await newPage(browser, server, { ...NARROW, permissions: ['camera', 'microphone'] });
    const settledAfterAnswers = answered(page, s.id);
    await signInAt(page, staff, `/sessions/${s.id}/room`);
    await page.getByRole('button', { name: 'Join the session' }).waitFor();
    await settledAfterAnswers();
    expect(await transcriptLinks(page)).toBe(0);
    await checkPage(page, 'the live room to someone with a seat, before any caption');

    // A final caption reaches the page: the transcript now holds something (its sender's page saves it).
    await deliverFinal(page, `user-${trainer.id}`, 'seg-live', 'Welcome, everyone');
    await page.getByRole('region', { name: 'Caption text' }).getByText('Welcome, everyone').waitFor();
    await page.getByRole('link', { name: LINK, exact: true }).waitFor();

    // Saved on the server: offered as soon as the page loads, and it downloads by keyboard.
    expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: trainer, body: { segmentId: 'seg-1', text: 'Welcome, everyone', final: true } })).status).toBe(200);
    await page.reload();
    await page.getByRole('link', { name: LINK, exact: true }).waitFor();
    await checkPage(page, 'the live room to someone with a seat, with a caption saved');
    await tabTo(page, LINK);
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await download;
    expect(await file.failure()).toBeNull();
    const vtt = readFileSync((await file.path())!, 'utf8');
    expect(vtt.split('\n')[0]).toBe('WEBVTT - Speech & language -> next steps');
    expect(vtt).toContain('Welcome, everyone');
  });
});
