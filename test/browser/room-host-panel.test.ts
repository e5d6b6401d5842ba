/**
 * The trainer's "Run the room" panel (HostPanel) by keyboard at 320 px, around a stand-in
 * controller (host-panel-fixture.tsx, bundled with esbuild; the test LiveKit stand-in has only
 * the HTTP API, so no page here joins a real room). Muting someone takes their Mute button
 * away when LiveKit says the microphone is muted, a moment after the server did it: focus goes
 * to the words that take its place ("Microphone muted"), not to <body> (WCAG 2.4.3), and not to
 * the next button along, Remove, where a second Enter would remove the person.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePage } from './fixture-page.js';
import { browserAvailable, checkPage, expectFocused, launchBrowser, NARROW, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('the trainer’s room controls (HostPanel with a stand-in controller)', () => {
  let browser: Browser;
  let html: string;
  beforeAll(async () => {
    const [page, b] = await Promise.all([fixturePage('host-panel-fixture.tsx', 'Host panel fixture'), launchBrowser()]);
    browser = b;
    html = page;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('Mute by keyboard: once the microphone is muted, focus is on "Microphone muted" for that person, not lost and not on Remove', async () => {
    const context = await browser.newContext({ ...NARROW, locale: 'en-GB', reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const muted: unknown[] = [];
    await page.route('http://fixture.test/api/sessions/s1/live/mute', async (r) => {
      muted.push(r.request().postDataJSON());
      await r.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: true }) });
    });
    await page.route('http://fixture.test/room', (r) => r.fulfill({ contentType: 'text/html', body: html }));
    await page.goto('http://fixture.test/room');
    await page.getByRole('heading', { name: 'Run the room' }).waitFor();
    await checkPage(page, 'host panel, microphone on (320 px)');
    // The automatic captions are listed, with nothing to remove (the server refuses it: they
    // would not come back); so is a co-trainer (the server refuses to remove a trainer).
    await page.getByText('Automatic captions (automatic captions)').waitFor();
    await page.getByText('Tom Cotrainer (trainer)').waitFor();
    expect(await page.getByRole('button', { name: /^Remove/ }).allTextContents()).toEqual(['Remove Asha Patel']);

    await tabTo(page, 'Mute Asha Patel');
    await page.keyboard.press('Enter');
    await page.locator('#room-status').filter({ hasText: 'Asha Patel\'s microphone was muted. Only they can turn it back on.' }).waitFor();
    expect(muted).toEqual([{ identity: 'user-2', trackSid: 'TR_mic1', muted: true }]);
    // LiveKit says so a moment later: the button goes.
    await page.evaluate(() => (window as unknown as { hostFixture: { muteApplied: () => void } }).hostFixture.muteApplied());
    await page.getByText('Microphone muted: only they can unmute it.').waitFor();
    expect(await page.getByRole('button', { name: 'Mute Asha Patel' }).count()).toBe(0);
    await expectFocused(page, '#host-muted-user-2');
    expect((await page.evaluate(() => document.activeElement?.textContent))?.replace(/\s+/g, ' ')).toBe('Asha Patel: Microphone muted: only they can unmute it.');
    // Tab goes on from there to the person's Remove button.
    await page.keyboard.press('Tab');
    await expectFocused(page, 'button.button-secondary');
    expect((await page.evaluate(() => document.activeElement?.textContent))?.replace(/\s+/g, ' ')).toBe('Remove Asha Patel');
    await checkPage(page, 'host panel, microphone muted (320 px)');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('automatic captions: said to be running while the agent is in the room; once it has left, "Start automatic captions" sends it again (keyboard, 320 px)', async () => {
    const context = await browser.newContext({ ...NARROW, locale: 'en-GB', reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let asked = 0;
    await page.route('http://fixture.test/api/sessions/s1/live/captions-agent', async (r) => {
      asked++;
      await r.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: true, started: true }) });
    });
    await page.route('http://fixture.test/room', (r) => r.fulfill({ contentType: 'text/html', body: html }));
    await page.goto('http://fixture.test/room');
    await page.getByRole('heading', { level: 3, name: 'Automatic captions' }).waitFor();
    await page.getByText('Running: the captioning service is in the room.').waitFor();
    expect(await page.getByRole('button', { name: 'Start automatic captions' }).count()).toBe(0);

    // The agent's job ended (the person it followed reloaded the page): the trainer is told, and can send it again.
    await page.evaluate(() => (window as unknown as { hostFixture: { agentLeft: () => void } }).hostFixture.agentLeft());
    await page.getByText('Not running: the captioning service is not in the room, so nothing said is being captioned automatically.').waitFor();
    await checkPage(page, 'host panel, automatic captions not running (320 px)');
    await tabTo(page, 'Start automatic captions');
    await page.keyboard.press('Enter');
    await page.locator('#room-status').filter({ hasText: 'Automatic captions were asked for: they start when the captioning service joins, in a few seconds.' }).waitFor();
    expect(asked).toBe(1);
    // Starting: no button to press twice meanwhile; focus is on the words that took its place.
    await page.getByText('Starting: the captioning service has been asked to join; captions begin when it does.').waitFor();
    expect(await page.getByRole('button', { name: 'Start automatic captions' }).count()).toBe(0);
    await expectFocused(page, '#host-captions-state');
    await checkPage(page, 'host panel, automatic captions starting (320 px)');
    await page.evaluate(() => (window as unknown as { hostFixture: { agentJoined: () => void } }).hostFixture.agentJoined());
    await page.getByText('Running: the captioning service is in the room.').waitFor();
    expect(await page.getByRole('button', { name: 'Start automatic captions' }).count()).toBe(0);
    await checkPage(page, 'host panel, automatic captions running again (320 px)');
    expect(errors).toEqual([]);
    await context.close();
  });
});
