/**
 * "Caption my speech" (the browser's speech recognition) and the speaker's microphone in the
 * room: a muted person is never captioned. While their LiveKit microphone is muted (by
 * themselves or by a trainer: LiveKit's TrackMuted either way) or not published at all,
 * recognition stops, nothing it heard goes out on lk.transcription or into the transcript,
 * and the page says so in words; it starts again when they turn the microphone on. In real
 * Chromium around the room's own controller and SpeechCaptioning (live-room-fixture.tsx,
 * bundled with esbuild: the test LiveKit stand-in has only the HTTP API, so no page here
 * joins a real room), with the browser's SpeechRecognition replaced by a stand-in the test
 * speaks through.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePage } from './fixture-page.js';
import { browserAvailable, checkPage, expectFocused, launchBrowser, NARROW, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const MIC_OFF = 'Your speech is not captioned while your microphone is off. It will be captioned again when you turn your microphone on.';
const LISTEN_ONLY = 'Your speech is not captioned while you are listening only. It will be captioned again when a trainer lets you speak and your microphone is on.';

/**
 * The browser's SpeechRecognition, as the page uses it: start, stop, abort, and results given
 * to `onresult`. `window.fakeSpeech.hear(text, final)` is the person speaking: heard only while
 * recognition runs. `late(text, final)` is a result the browser already had on its way,
 * given to the last recognition's handler even after it was stopped.
 */
function installFakeSpeech() {
  type Handler = ((e: unknown) => void) | null;
  const state = { running: false, starts: 0, last: null as null | { onresult: Handler }, handlerAtStart: null as Handler };
  const result = (text: string, final: boolean) => ({ resultIndex: 0, results: { length: 1, 0: { isFinal: final, length: 1, 0: { transcript: text } } } });
  class FakeRecognition {
    lang = '';
    continuous = false;
    interimResults = false;
    onresult: Handler = null;
    onerror: ((e: { error: string }) => void) | null = null;
    onend: (() => void) | null = null;
    start() {
      if (state.running && state.last === this) throw new DOMException('recognition has already started', 'InvalidStateError');
      state.running = true;
      state.starts++;
      state.last = this;
      state.handlerAtStart = this.onresult;
    }
    stop() {
      this.end();
    }
    abort() {
      this.end();
    }
    private end() {
      if (state.last !== this || !state.running) return;
      state.running = false;
      setTimeout(() => this.onend?.(), 0);
    }
  }
  (window as unknown as { SpeechRecognition: unknown }).SpeechRecognition = FakeRecognition;
  (window as unknown as { fakeSpeech: unknown }).fakeSpeech = {
    get running() {
      return state.running;
    },
    get starts() {
      return state.starts;
    },
    hear(text: string, final: boolean) {
      if (!state.running) return false;
      state.last?.onresult?.(result(text, final));
      return true;
    },
    late(text: string, final: boolean) {
      state.handlerAtStart?.(result(text, final));
    },
  };
}

type Speech = { running: boolean; starts: number };
const speech = (page: Page) => page.evaluate(() => { const s = (window as unknown as { fakeSpeech: Speech }).fakeSpeech; return { running: s.running, starts: s.starts }; });
const hear = (page: Page, text: string, final: boolean) => page.evaluate(([t, f]) => (window as unknown as { fakeSpeech: { hear(t: string, f: boolean): boolean } }).fakeSpeech.hear(t as string, f as boolean), [text, final] as const);
const late = (page: Page, text: string, final: boolean) => page.evaluate(([t, f]) => (window as unknown as { fakeSpeech: { late(t: string, f: boolean): void } }).fakeSpeech.late(t as string, f as boolean), [text, final] as const);
const setMic = (page: Page, state: 'on' | 'muted' | 'unpublished') => page.evaluate((s) => (window as unknown as { roomFixture: { setMic(s: string): void } }).roomFixture.setMic(s), state);
/** What went out on lk.transcription (segment, text, final). */
/** A trainer takes away or gives back this person's permission to speak (LiveKit's ParticipantPermissionsChanged). */
const setCanPublish = (page: Page, on: boolean) => page.evaluate((o) => (window as unknown as { roomFixture: { setCanPublish(on: boolean): void } }).roomFixture.setCanPublish(o), on);
const published = (page: Page) => page.evaluate(() => [...(window as unknown as { roomFixture: { captions: { segmentId: string; text: string; final: boolean }[] } }).roomFixture.captions]);
const texts = (page: Page) => published(page).then((c) => c.map((x) => `${x.final ? 'final' : 'interim'}: ${x.text}`));
const announced = (page: Page, text: string) => page.locator('#room-status').filter({ hasText: text }).waitFor();

describe.skipIf(!browserAvailable)('captioning one’s own speech while the microphone is muted (the room’s controller, LiveKit’s events from a stand-in)', () => {
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

  /** The room for someone who may speak; `saved` collects the lines stored in the transcript. */
  async function open(hash: string) {
    const context = await browser.newContext({ ...NARROW, locale: 'en-GB', reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(installFakeSpeech);
    await page.route('http://fixture.test/**', (r) => r.fulfill({ contentType: 'text/html', body: html }));
    const saved: string[] = [];
    await page.route('http://fixture.test/api/sessions/session-1/captions', async (r) => {
      saved.push((r.request().postDataJSON() as { text: string }).text);
      await r.fulfill({ contentType: 'application/json', body: '{"ok":true}' });
    });
    await page.goto(`http://fixture.test/room#${hash}`);
    await page.getByRole('group', { name: 'Room controls' }).waitFor();
    return { page, errors, saved };
  }

  it('muted by themselves or by a trainer, or the microphone unpublished: nothing they say is sent or saved, and the page says why; unmuted, their speech is captioned again (keyboard, 320 px)', async () => {
    const { page, errors, saved } = await open('canPublish=true&mic=on');
    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, 'Caption my speech');
    await page.keyboard.press('Enter');
    await announced(page, 'Captioning your speech. Everyone sees your words as captions.');
    expect(await speech(page)).toEqual({ running: true, starts: 1 });

    // Microphone on: a line is sent to the room and saved in the transcript.
    await hear(page, 'Good morning, everyone.', true);
    await expect.poll(() => texts(page)).toEqual(['final: Good morning, everyone.']);
    await expect.poll(() => saved).toEqual(['Good morning, everyone.']);
    // Half a line, then the person mutes (M, "Mute microphone", or a trainer's Mute: LiveKit's TrackMuted).
    await hear(page, 'Now let me', false);
    await expect.poll(() => texts(page)).toEqual(['final: Good morning, everyone.', 'interim: Now let me']);
    await setMic(page, 'muted');

    // What they say now is not captioned: not sent, not saved, even a result the browser already had on its way.
    await hear(page, 'This is just for my colleague.', true);
    await late(page, 'Whispered aside.', true);
    const afterMute = await published(page);
    expect(afterMute.map((c) => c.text)).not.toContain('This is just for my colleague.');
    expect(afterMute.map((c) => c.text)).not.toContain('Whispered aside.');
    await announced(page, MIC_OFF);
    expect(saved).toEqual(['Good morning, everyone.']);
    // The browser stopped listening; the half line left on everyone's screens is taken back (an empty final), and nothing of it saved.
    expect((await speech(page)).running).toBe(false);
    expect(afterMute.at(-1)).toEqual({ segmentId: afterMute[1]!.segmentId, text: '', final: true });
    // Said under the button, which stays pressed (their choice is kept) and is described by it.
    const button = page.getByRole('button', { name: 'Caption my speech' });
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    // On is seen, not only heard: a tick before its words.
    expect(await button.evaluate((b) => getComputedStyle(b, '::before').content)).toBe('"✓ "');
    await page.locator('#speech-paused').filter({ hasText: MIC_OFF }).waitFor();
    expect(await button.getAttribute('aria-describedby')).toBe('speech-paused');
    await checkPage(page, 'live room, speech captioning paused while muted (320 px)');

    // The microphone taken away altogether (unpublished): still nothing.
    await setMic(page, 'unpublished');
    expect(await hear(page, 'Still not for the room.', true)).toBe(false);
    expect((await published(page)).length).toBe(afterMute.length);

    // Turned back on (published again): listening again, said so, and captioned and saved once more.
    await setMic(page, 'on');
    await announced(page, 'Your microphone is on: captioning your speech.');
    expect(await speech(page)).toEqual({ running: true, starts: 2 });
    await page.locator('#speech-paused').waitFor({ state: 'detached' });
    await hear(page, 'Back to the slides.', true);
    await expect.poll(async () => (await texts(page)).at(-1)).toBe('final: Back to the slides.');
    await expect.poll(() => saved).toEqual(['Good morning, everyone.', 'Back to the slides.']);

    // A trainer mutes them (LiveKit's TrackMuted, as above), and they unmute.
    await setMic(page, 'muted');
    await expect.poll(async () => (await speech(page)).running).toBe(false);
    expect(await hear(page, 'Muted by the trainer.', true)).toBe(false);
    await setMic(page, 'on');
    await expect.poll(() => speech(page)).toEqual({ running: true, starts: 3 });
    await hear(page, 'Thank you.', true);
    await expect.poll(() => saved).toEqual(['Good morning, everyone.', 'Back to the slides.', 'Thank you.']);
    expect((await texts(page)).filter((t) => /colleague|Whispered|Still not|by the trainer/.test(t))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('turned on with the microphone off: it does not listen, says why, and starts when the microphone comes on', async () => {
    const { page, errors, saved } = await open('canPublish=true');
    await page.getByRole('button', { name: 'Caption my speech' }).click();
    await announced(page, MIC_OFF);
    await page.locator('#speech-paused').filter({ hasText: MIC_OFF }).waitFor();
    expect(await speech(page)).toEqual({ running: false, starts: 0 });
    expect(await hear(page, 'Hello?', true)).toBe(false);

    await setMic(page, 'on');
    await announced(page, 'Your microphone is on: captioning your speech.');
    await hear(page, 'Hello, can you hear me?', true);
    await expect.poll(() => texts(page)).toEqual(['final: Hello, can you hear me?']);
    await expect.poll(() => saved).toEqual(['Hello, can you hear me?']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('made a listener while captioned: the half line is taken back, nothing more is sent or saved, and the page says why; allowed to speak again, captioning resumes (keyboard, 320 px)', async () => {
    const { page, errors, saved } = await open('canPublish=true&mic=on');
    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, 'Caption my speech');
    await page.keyboard.press('Enter');
    await announced(page, 'Captioning your speech. Everyone sees your words as captions.');
    await hear(page, 'Welcome back.', true);
    await expect.poll(() => saved).toEqual(['Welcome back.']);
    await hear(page, 'So the next', false);
    await expect.poll(() => texts(page)).toEqual(['final: Welcome back.', 'interim: So the next']);

    // A trainer makes them listen-only (a webinar attendee who had been let speak).
    await setCanPublish(page, false);
    await announced(page, LISTEN_ONLY);
    // Not listening any more; the half line is taken back from everyone's screens (an empty final).
    expect((await speech(page)).running).toBe(false);
    const afterRevoke = await published(page);
    expect(afterRevoke.at(-1)).toEqual({ segmentId: afterRevoke[1]!.segmentId, text: '', final: true });
    // Nothing they say now goes to the room or the transcript, even a result already on its way.
    expect(await hear(page, 'Only for the people beside me.', true)).toBe(false);
    await late(page, 'A late aside.', true);
    expect((await published(page)).length).toBe(afterRevoke.length);
    // No button they cannot use; focus left on the room's state, not <body>.
    await expect.poll(() => page.getByRole('button', { name: 'Caption my speech' }).count()).toBe(0);
    await expectFocused(page, '.live-room > .connection');
    await checkPage(page, 'live room, made a listener while captioning (320 px)');

    // Allowed to speak again, the microphone still on: captioning resumes, as they had chosen.
    await setCanPublish(page, true);
    await announced(page, 'Your microphone is on: captioning your speech.');
    expect(await speech(page)).toEqual({ running: true, starts: 2 });
    const button = page.getByRole('button', { name: 'Caption my speech' });
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    await hear(page, 'Where were we?', true);
    await expect.poll(async () => (await texts(page)).at(-1)).toBe('final: Where were we?');
    await expect.poll(() => saved).toEqual(['Welcome back.', 'Where were we?']);

    // Made a listener again, and (as LiveKit's server does) the microphone unpublished; let speak
    // again, the microphone is off: still chosen, said so, and captioned once it is on.
    await setCanPublish(page, false);
    await setMic(page, 'unpublished');
    await setCanPublish(page, true);
    await page.locator('#speech-paused').filter({ hasText: MIC_OFF }).waitFor();
    await expect.poll(() => page.locator('#room-status > p').last().textContent()).toBe(MIC_OFF);
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    expect((await speech(page)).running).toBe(false);
    await setMic(page, 'on');
    await expect.poll(() => speech(page)).toEqual({ running: true, starts: 3 });
    await hear(page, 'Thanks for waiting.', true);
    await expect.poll(() => saved).toEqual(['Welcome back.', 'Where were we?', 'Thanks for waiting.']);

    // By keyboard they turn it off: made a listener and let speak again, it stays off.
    await tabTo(page, 'Caption my speech');
    await page.keyboard.press('Enter');
    await announced(page, 'Stopped captioning your speech.');
    await setCanPublish(page, false);
    await setCanPublish(page, true);
    await button.waitFor();
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect((await speech(page)).running).toBe(false);
    await checkPage(page, 'live room, allowed to speak again (320 px)');
    expect((await texts(page)).filter((t) => /beside me|late aside/.test(t))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('someone who may only listen is offered no "Caption my speech"; let speak, they are, and it starts only when they turn it on', async () => {
    const { page, errors } = await open('mic=on');
    await page.getByText('You are listening. Raise your hand to ask to speak.').waitFor();
    expect(await page.getByRole('button', { name: 'Caption my speech' }).count()).toBe(0);
    await checkPage(page, 'live room, listen-only (320 px)');
    await setCanPublish(page, true);
    const button = page.getByRole('button', { name: 'Caption my speech' });
    await button.waitFor();
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect(await speech(page)).toEqual({ running: false, starts: 0 });
    await button.click();
    await announced(page, 'Captioning your speech. Everyone sees your words as captions.');
    expect((await speech(page)).running).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
