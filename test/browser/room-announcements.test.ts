/**
 * The live room's announcements (joins and leaves, hands, chat, the connection, what an action
 * did) for someone using a screen reader: they are queued in a polite log, each added after
 * the last, so two in quick succession are both there to be read; and the joins and leaves of
 * a moment (the start of a session) are one message, not one each that would crowd out the
 * chat and raised hands. In real Chromium around the room's own controller and log
 * (live-room-fixture.tsx, bundled with esbuild; the test LiveKit stand-in has only the HTTP
 * API, so no page here joins a real room), with LiveKit's events sent by the fixture.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namesList, presenceWords } from '../../web/src/room/controller.js';
import { fixturePage } from './fixture-page.js';
import { browserAvailable, checkPage, launchBrowser, NARROW, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe('the words for people coming and going', () => {
  it('name one person, then count and name several, and count the rest past five', () => {
    expect(presenceWords(['Ann'], [])).toBe('Ann joined.');
    expect(presenceWords(['Ann', 'Ben'], [])).toBe('2 people joined: Ann and Ben.');
    expect(presenceWords(['Ann', 'Ben', 'Cat'], ['Dee'])).toBe('3 people joined: Ann, Ben and Cat. Dee left.');
    expect(presenceWords([], ['Dee', 'Eve'])).toBe('2 people left: Dee and Eve.');
    expect(presenceWords([], [])).toBe('');
    expect(namesList(['A', 'B', 'C', 'D', 'E', 'F', 'G'])).toBe('A, B, C, D and 3 more');
    expect(namesList(['A', 'B', 'C', 'D', 'E'])).toBe('A, B, C, D and E');
  });
});

type Fixture = { join(names: string[]): void; leave(identities: string[]): void; raiseHand(): void; chat(text: string): void };
const fixture = <K extends keyof Fixture>(page: Page, f: K, ...a: Parameters<Fixture[K]>) =>
  page.evaluate(([f, a]) => (window as unknown as { roomFixture: Record<string, (...x: unknown[]) => void> }).roomFixture[f as string]!(...(a as unknown[])), [f, a] as const);
/** What the room's log holds, oldest first. */
const entries = (page: Page) => page.locator('#room-status > p').allTextContents();

describe.skipIf(!browserAvailable)('announcements in the room (the room’s controller and log, LiveKit’s events from a stand-in)', () => {
  let browser: Browser;
  let html: string;
  beforeAll(async () => {
    const [page, b] = await Promise.all([fixturePage('live-room-fixture.tsx', 'Live room fixture'), launchBrowser()]);
    browser = b;
    html = page;
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(hash: string) {
    const context = await browser.newContext({ ...NARROW, locale: 'en-GB', reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('http://fixture.test/**', (r) => r.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(`http://fixture.test/room#${hash}`);
    await page.getByRole('group', { name: 'Room controls' }).waitFor();
    return { page, errors };
  }

  it('a hand raised and a chat message straight after: both are in the polite log, in order, to be read in turn (at 320 px)', async () => {
    const { page, errors } = await open('canPublish=true&remote=true');
    // One moment: LiveKit's attribute change (the hand), then a chat stream, with nothing in between.
    await page.evaluate(() => {
      const f = (window as unknown as { roomFixture: Fixture }).roomFixture;
      f.raiseHand();
      f.chat('Could you go back a slide?');
    });
    // Both are there to be read: the second did not take the first's place.
    const region = page.locator('#room-status');
    await expect.poll(() => region.innerText()).toContain('Chat from Tara Trainer-Longname: Could you go back a slide?');
    expect(await region.innerText()).toContain('Tara Trainer-Longname raised their hand.');
    expect(await entries(page)).toEqual(['Tara Trainer-Longname raised their hand.', 'Chat from Tara Trainer-Longname: Could you go back a slide?']);
    // Both are in the accessibility tree, in a log that reads what is added, politely.
    const log = page.getByRole('log', { name: 'Room announcements' });
    expect(await log.ariaSnapshot()).toBe(['- log "Room announcements":', '  - paragraph: Tara Trainer-Longname raised their hand.', '  - paragraph: "Chat from Tara Trainer-Longname: Could you go back a slide?"'].join('\n'));
    expect(await log.evaluate((el) => [el.getAttribute('aria-live'), el.getAttribute('aria-relevant'), el.getAttribute('aria-atomic')])).toEqual(['polite', 'additions', 'false']);
    await checkPage(page, 'live room with two announcements in its log (320 px)');

    // It keeps the last few: the oldest go as new ones come.
    for (let i = 1; i <= 5; i++) await fixture(page, 'chat', `Message ${i}`);
    await expect.poll(() => entries(page)).toEqual([1, 2, 3, 4, 5].map((i) => `Chat from Tara Trainer-Longname: Message ${i}`));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('three people joining at once are one message, "3 people joined: Ann, Ben and Cat.", not three; a chat in that moment is not held back by it', async () => {
    const { page, errors } = await open('canPublish=true&remote=true');
    await page.evaluate(() => {
      const f = (window as unknown as { roomFixture: Fixture }).roomFixture;
      f.join(['Ann', 'Ben']);
      f.chat('Welcome, everyone.');
      f.join(['Cat']);
    });
    await expect.poll(() => page.locator('#room-status').innerText()).toContain('3 people joined: Ann, Ben and Cat.');
    expect(await entries(page)).toEqual(['Chat from Tara Trainer-Longname: Welcome, everyone.', '3 people joined: Ann, Ben and Cat.']);
    await page.getByText('5 in the room').waitFor();

    // Later, one person leaving is said by name; someone whose connection drops and comes back
    // within the moment (a leave, then a join) is not mentioned at all.
    await page.evaluate(() => {
      const f = (window as unknown as { roomFixture: Fixture }).roomFixture;
      f.leave(['user-ben', 'user-cat']);
      f.join(['Cat']);
    });
    await page.locator('#room-status > p').filter({ hasText: 'Ben left.' }).waitFor();
    expect(await entries(page)).toEqual(['Chat from Tara Trainer-Longname: Welcome, everyone.', '3 people joined: Ann, Ben and Cat.', 'Ben left.']);
    await checkPage(page, 'live room after people joined and left (320 px)');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
