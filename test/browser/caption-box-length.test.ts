/**
 * The captioner's typed-caption box and its length limit: a caption line may be as long as the
 * service keeps (MAX_CAPTION_CHARS, 5,000 characters), where the box used to cut what was
 * typed or pasted at 500 without a word. Now the line is kept whole, the limit said near it, a
 * line over it refused on Enter naming the limit, with the text kept, focus in the box and
 * nothing final sent or saved; its interim captions meanwhile show no more than a caption
 * holds. In real Chromium around the room's own controller and CaptionerBox
 * (live-room-fixture.tsx, bundled with esbuild: the test LiveKit stand-in has only the HTTP
 * API, so no page here joins a real room), by keyboard at 320 px, axe-clean. Failed on the
 * box before (its maxlength of 500).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CAPTION_CHARS } from '../../shared/live.js';
import { fixturePage } from './fixture-page.js';
import { browserAvailable, checkPage, expectFocused, expectNoAxeViolations, launchBrowser, NARROW, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** `n` characters of ordinary words (no space at either end). */
const words = (n: number) => 'Please read the notes before we meet. '.repeat(Math.ceil(n / 38) + 1).slice(0, n).trimEnd().padEnd(n, '.');
/** Text put in the focused field at once, as a paste puts it (and as `maxlength` cuts a paste short). */
const paste = (page: Page, text: string) => page.keyboard.insertText(text);
/** What went out on lk.transcription (segment, text, final). */
const published = (page: Page) => page.evaluate(() => [...(window as unknown as { roomFixture: { captions: { segmentId: string; text: string; final: boolean }[] } }).roomFixture.captions]);
const finals = (page: Page) => published(page).then((c) => c.filter((x) => x.final).map((x) => x.text));
const lastInterim = (page: Page) => published(page).then((c) => c.filter((x) => !x.final).at(-1)?.text ?? '');

describe.skipIf(!browserAvailable)('the captioner’s caption box: its length limit said, not applied silently (the room’s own CaptionerBox)', { timeout: 120_000 }, () => {
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

  /** The room for its captioner; `saved` collects the lines stored in the transcript. */
  async function open() {
    const context = await browser.newContext({ ...NARROW, locale: 'en-GB', reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('http://fixture.test/**', (r) => r.fulfill({ contentType: 'text/html', body: html }));
    const saved: string[] = [];
    await page.route('http://fixture.test/api/sessions/session-1/captions', async (r) => {
      saved.push((r.request().postDataJSON() as { text: string }).text);
      await r.fulfill({ contentType: 'application/json', body: '{"ok":true}' });
    });
    await page.goto('http://fixture.test/room#canPublish=true&captioner=true');
    await page.getByRole('group', { name: 'Room controls' }).waitFor();
    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, 'Live caption');
    return { page, errors, saved, box: page.locator('#captioner-text') };
  }

  it('a pasted line of 600 characters is kept whole in the box and sent and saved whole on Enter; no limit is said far from it (keyboard, 320 px)', async () => {
    const { page, errors, saved, box } = await open();
    const line = words(600);
    await paste(page, line);
    expect((await box.inputValue()).length, 'the line pasted, whole').toBe(600);
    expect(await box.getAttribute('maxlength'), 'no maxlength to cut it').toBeNull();
    expect(await page.locator('#captioner-length').count(), 'no length hint far from the limit').toBe(0);
    expect(await box.getAttribute('aria-describedby')).toBe('captioner-hint');
    await page.keyboard.press('Enter');
    await expect.poll(() => finals(page)).toEqual([line]);
    await expect.poll(() => saved).toEqual([line]);
    expect(await box.inputValue(), 'the box is ready for the next line').toBe('');
    await expectNoAxeViolations(page, 'live room, a long caption line sent (320 px)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('near the limit the hint says how many are left; a line of 5,001 is refused on Enter naming the limit, kept in the box with focus, nothing final sent or saved, its interim captions cut to 5,000; shortened, it is sent (keyboard, 320 px)', async () => {
    const { page, errors, saved, box } = await open();
    expect(MAX_CAPTION_CHARS).toBe(5_000);
    // 5,001 characters, ending in a word (so one Backspace leaves 5,000, none of them space).
    const line = `${words(4_986)} Thank you all.`;
    expect(line.length).toBe(5_001);
    await paste(page, line.slice(0, 4_600));
    const hint = page.locator('#captioner-length');
    await hint.filter({ hasText: 'Up to 5,000 characters: 400 left.' }).waitFor();
    expect(await box.getAttribute('aria-describedby'), 'the length hint tied to the box with the hint it had').toBe('captioner-hint captioner-length');
    await checkPage(page, 'live room, a caption line near its limit (320 px)');

    await paste(page, line.slice(4_600));
    expect(await box.inputValue(), 'the line pasted, whole').toBe(line);
    await hint.filter({ hasText: 'Up to 5,000 characters: 1 too many.' }).waitFor();
    // What others see while it is typed: as much as a caption holds, not the whole line.
    await expect.poll(() => lastInterim(page)).toBe(line.slice(0, 5_000));
    expect((await published(page)).every((c) => c.text.length <= MAX_CAPTION_CHARS), 'no caption sent longer than the limit').toBe(true);

    await page.keyboard.press('Enter');
    const error = page.locator('.captioner-box .error-message');
    await error.filter({ hasText: 'A caption line must be at most 5,000 characters: it has 5,001. Shorten it by 1 character.' }).waitFor();
    expect(await box.inputValue(), 'the line kept').toBe(line);
    await expectFocused(page, '#captioner-text');
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await box.getAttribute('aria-describedby')).toBe('captioner-hint captioner-length captioner-error');
    // Given time for anything sent to arrive: nothing final went out, nothing was saved.
    await page.waitForTimeout(700);
    expect(await finals(page)).toEqual([]);
    expect(saved).toEqual([]);
    await checkPage(page, 'live room, a caption line too long (320 px)');

    // Shortened to fit: the error goes, and Enter sends and saves the line.
    await page.keyboard.press('Backspace');
    await error.waitFor({ state: 'detached' });
    await hint.filter({ hasText: 'Up to 5,000 characters: 0 left.' }).waitFor();
    expect(await box.getAttribute('aria-invalid')).toBeNull();
    await page.keyboard.press('Enter');
    await expect.poll(() => finals(page)).toEqual([line.slice(0, 5_000)]);
    await expect.poll(() => saved).toEqual([line.slice(0, 5_000)]);
    expect(await box.inputValue()).toBe('');
    await page.locator('#captioner-length').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
