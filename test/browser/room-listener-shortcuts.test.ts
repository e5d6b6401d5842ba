/**
 * Keyboard shortcuts inside the live room for someone who may not publish (a listener): the
 * list must not promise M (microphone) and V (camera), and pressing them says why nothing
 * happened. The test LiveKit stand-in has only the HTTP API, so no page here joins a real
 * room: the browser part renders the room's own LiveRoom and ShortcutsHelp components around a
 * stand-in controller (live-room-fixture.tsx, bundled with esbuild). RoomPage's wiring of
 * them (its `announce` and the list's `place`) is not exercised here; see room-livekit.test.ts
 * for a real server.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A namespace import, so this file still loads (and its browser tests run) against code without these.
import * as shortcuts from '../../web/src/room/shortcuts.js';
import { fixturePage } from './fixture-page.js';
import { activate, browserAvailable, checkPage, expectFocused, expectNoAxeViolations, launchBrowser, NARROW, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const describeAll = (place: shortcuts.ShortcutPlace) => Object.fromEntries(shortcuts.SHORTCUTS.map((s) => [s.key, shortcuts.shortcutDescription(s, place)]));

/** What a listener's M and V say in the room. */
const LISTENING_ONLY = {
  mic: 'You are listening only, so there is no microphone to mute or unmute. Raise your hand to ask to speak.',
  camera: 'You are listening only, so there is no camera to turn on or off. Raise your hand to ask to speak.',
};

describe('what the shortcut list says', () => {
  it('in the room, for a listener: M and V are marked as not available, the rest as they work', () => {
    expect(describeAll({ room: true, canPublish: false })).toEqual({
      M: 'Mute or unmute your microphone (not available: you are listening only)',
      V: 'Turn your camera on or off (not available: you are listening only)',
      H: 'Raise or lower your hand',
      C: 'Show or hide captions',
      T: 'Go to the chat message box',
    });
  });

  it('in the room, for someone who may publish: every key as it works', () => {
    expect(describeAll({ room: true, canPublish: true })).toEqual({
      M: 'Mute or unmute your microphone',
      V: 'Turn your camera on or off',
      H: 'Raise or lower your hand',
      C: 'Show or hide captions',
      T: 'Go to the chat message box',
    });
  });

  it('says why a listener\'s M and V did nothing', () => {
    expect(shortcuts.LISTENING_ONLY).toEqual(LISTENING_ONLY);
  });

  it('before joining: the keys that wait for the room say so; M and V choose when they can; for someone who will listen only, M and V are not available', () => {
    expect(describeAll({ room: false, waiting: ['hand', 'chat'], canPublish: true })).toEqual({
      M: 'Choose whether to join with your microphone on or off',
      V: 'Choose whether to join with your camera on or off',
      H: 'Raise or lower your hand (once you have joined)',
      C: 'Show or hide captions',
      T: 'Go to the chat message box (once you have joined)',
    });
    expect(describeAll({ room: false, waiting: ['mic', 'camera', 'hand', 'chat'], canPublish: true })).toMatchObject({
      M: 'Mute or unmute your microphone (once you have joined)',
      V: 'Turn your camera on or off (once you have joined)',
    });
    expect(describeAll({ room: false, waiting: ['mic', 'camera', 'hand', 'chat'], canPublish: false })).toMatchObject({
      M: 'Mute or unmute your microphone (not available: you will be listening only)',
      V: 'Turn your camera on or off (not available: you will be listening only)',
      H: 'Raise or lower your hand (once you have joined)',
    });
  });
});

/** What the shortcut list says for each key ("M" → its description), as read out. */
async function shortcutList(page: Page): Promise<Record<string, string>> {
  const help = page.getByRole('region', { name: 'Keyboard shortcuts' });
  const rows = await help.locator('.shortcut-list > div').evaluateAll((divs) => divs.map((d) => [d.querySelector('dt')!.textContent!.trim(), d.querySelector('dd')!.textContent!.replace(/\s+/g, ' ').trim()]));
  return Object.fromEntries(rows);
}

const announced = (page: Page, text: string) => page.locator('#room-status').filter({ hasText: text }).waitFor();
const calls = (page: Page) => page.evaluate(() => [...(window as unknown as { roomFixture: { calls: string[] } }).roomFixture.calls]);

describe.skipIf(!browserAvailable)('shortcuts in the room (LiveRoom with a stand-in controller)', () => {
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

  async function open(canPublish: boolean, more = '') {
    const context = await browser.newContext({ ...NARROW, locale: 'en-GB', reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A page of its own (about:blank with a hash would not reload); the hash says who this is.
    await page.route('http://fixture.test/**', (r) => r.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(`http://fixture.test/room#canPublish=${canPublish}${more}`);
    await page.getByRole('group', { name: 'Room controls' }).waitFor();
    return { page, errors };
  }

  it('a listener: the list marks M and V as not available; pressing them changes nothing and says why; H still raises the hand; given permission, M works and the list says so', async () => {
    const { page, errors } = await open(false);
    await page.getByText('You are listening. Raise your hand to ask to speak.').waitFor();
    expect(await shortcutList(page)).toEqual({
      M: 'Mute or unmute your microphone (not available: you are listening only)',
      V: 'Turn your camera on or off (not available: you are listening only)',
      H: 'Raise or lower your hand',
      C: 'Show or hide captions',
      T: 'Go to the chat message box',
    });

    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('m');
    await announced(page, LISTENING_ONLY.mic);
    await page.keyboard.press('v');
    await announced(page, LISTENING_ONLY.camera);
    // Pressed again, the same words are said again (a new entry in the room's log, not silence).
    await page.keyboard.press('v');
    await expect.poll(() => page.locator('#room-status > p').allTextContents()).toEqual([LISTENING_ONLY.mic, LISTENING_ONLY.camera, LISTENING_ONLY.camera]);
    expect(await calls(page), 'M and V asked the room for nothing').toEqual([]);
    await page.keyboard.press('h');
    await expect.poll(() => calls(page)).toEqual(['toggleHand']);
    await expectNoAxeViolations(page, 'live room shortcuts for a listener at 320 px');

    // The trainer lets them speak (LiveKit's permission change re-renders the page).
    await page.evaluate(() => (window as unknown as { roomFixture: { setCanPublish(on: boolean): void } }).roomFixture.setCanPublish(true));
    await page.getByRole('button', { name: 'Mute microphone' }).waitFor();
    expect(await shortcutList(page)).toMatchObject({ M: 'Mute or unmute your microphone', V: 'Turn your camera on or off' });
    await page.keyboard.press('m');
    await page.keyboard.press('v');
    await expect.poll(() => calls(page)).toEqual(['toggleHand', 'toggleMic', 'toggleCamera']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('someone who may publish: M and V are listed plainly and toggle the microphone and camera', async () => {
    const { page, errors } = await open(true);
    await page.getByRole('button', { name: 'Mute microphone' }).waitFor();
    expect(await shortcutList(page)).toEqual({
      M: 'Mute or unmute your microphone',
      V: 'Turn your camera on or off',
      H: 'Raise or lower your hand',
      C: 'Show or hide captions',
      T: 'Go to the chat message box',
    });
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('m');
    await page.keyboard.press('v');
    await expect.poll(() => calls(page)).toEqual(['toggleMic', 'toggleCamera']);
    expect(await page.locator('#room-status').textContent()).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a control that goes while it has focus ("Turn on sound" once the sound plays, "Mute microphone" once made a listener, the caption box below the video once no longer the captioner) leaves focus on the room’s state, not on <body>, by keyboard at 320 px', async () => {
    const { page, errors } = await open(true, '&sound=off&captioner=true');
    const fixture = (f: 'setCanPlaybackAudio' | 'setCanPublish' | 'setCaptioner', on: boolean) => page.evaluate(([f, on]) => (window as unknown as { roomFixture: Record<string, (on: boolean) => void> }).roomFixture[f as string]!(on as boolean), [f, on] as const);
    await page.getByText('Your browser has paused the sound of this session.').waitFor();
    await checkPage(page, 'live room, sound paused (320 px)');
    await tabTo(page, 'Turn on sound');
    await page.keyboard.press('Enter');
    await expect.poll(() => calls(page)).toEqual(['startAudio']);
    // LiveKit says the sound plays: the notice and its button go.
    await fixture('setCanPlaybackAudio', true);
    await page.getByText('Your browser has paused the sound of this session.').waitFor({ state: 'detached' });
    await expectFocused(page, '.live-room > .connection');

    // A trainer makes this person a listener while focus is on the microphone button.
    await tabTo(page, 'Mute microphone');
    await fixture('setCanPublish', false);
    await page.getByText('You are listening. Raise your hand to ask to speak.').waitFor();
    await expectFocused(page, '.live-room > .connection');
    // Focus that had moved on elsewhere stays where it is.
    await fixture('setCanPublish', true);
    await tabTo(page, 'Raise hand');
    await fixture('setCanPublish', false);
    await page.getByText('You are listening. Raise your hand to ask to speak.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Raise hand');

    // The captioner, typing in the caption box below the video (where captions sit unless moved),
    // is unassigned by a trainer: the box goes, and focus goes to the room's state.
    await tabTo(page, 'Live caption');
    await page.keyboard.type('Welcome to');
    await fixture('setCaptioner', false);
    await page.locator('#captioner-text').waitFor({ state: 'detached' });
    await expectFocused(page, '.live-room > .connection');
    await checkPage(page, 'live room, no longer the captioner (320 px)');
    // So too with the captions moved beside the video.
    await fixture('setCaptioner', true);
    await activate(page, 'Caption settings');
    await tabTo(page, 'Below the video');
    await page.keyboard.press('ArrowRight');
    await page.locator('.room-side .captions-panel').waitFor();
    // The panel is rebuilt beside the video: the choice keeps focus, and its settings stay open (focus went to the room's state before).
    await expectFocused(page, '#cap-pos-side');
    expect(await page.locator('.room-side details.caption-settings').getAttribute('open')).not.toBeNull();
    await checkPage(page, 'live room, captions just moved beside the video by keyboard (320 px)');
    await tabTo(page, 'Live caption', { back: true, max: 80 });
    await page.keyboard.type('Good morning');
    await fixture('setCaptioner', false);
    await page.locator('#captioner-text').waitFor({ state: 'detached' });
    await expectFocused(page, '.live-room > .connection');
    await checkPage(page, 'live room, captions beside the video, no longer the captioner (320 px)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('two people in the room on a 320 px phone: each tile shows its whole name and flags (Trainer, Hand raised), none cut off by a tile too small for them', async () => {
    const { page, errors } = await open(false, '&remote=true');
    const tiles = page.locator('.video-grid > li');
    await expect.poll(() => tiles.count()).toBe(2);
    await page.locator('.tile-caption').filter({ hasText: 'Hand raised' }).waitFor();
    const clipped = await tiles.evaluateAll((lis) =>
      lis.flatMap((li) => {
        const box = li.getBoundingClientRect();
        return [...li.querySelectorAll('.tile-name, .flag')].filter((el) => {
          const r = el.getBoundingClientRect();
          return r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 || r.left < box.left - 0.5 || r.right > box.right + 0.5;
        }).map((el) => el.textContent);
      }),
    );
    expect(clipped).toEqual([]);
    expect(await page.locator('.tile-caption').filter({ hasText: 'Tara Trainer-Longname' }).innerText()).toMatch(/Trainer[\s\S]*Hand raised/);
    await checkPage(page, 'live room with two people (320 px)');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
