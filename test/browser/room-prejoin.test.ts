/**
 * The live room before joining (fake camera and microphone; LiveKit's HTTP API is the test
 * stand-in, so the page offers a Join button but no media connection is made). The keyboard
 * shortcuts listed on the page must do what the list says there: before joining, M and V
 * choose whether to join with the microphone and camera on (the tick boxes, announced); H
 * and T are listed as working once joined, and pressing them changes nothing. Also the "No
 * camera preview" box at 320 px with text at 200%: its words wrap inside it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveKitStandIn, type LiveKitStandIn } from '../livekit-standin.js';
import { browserAvailable, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, launchWithFakeMedia, NARROW, newPage, signInAt, startServer, tabTo, warnIfSkipped, type TestServer } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** Errors thrown on the page (uncaught exceptions and rejections). */
function watchPageErrors(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** What the shortcut list says for each key ("M" → its description), as read out. */
async function shortcutList(page: Page): Promise<Record<string, string>> {
  const help = page.getByRole('region', { name: 'Keyboard shortcuts' });
  const rows = await help.locator('.shortcut-list > div').evaluateAll((divs) => divs.map((d) => [d.querySelector('dt')!.textContent!.trim(), d.querySelector('dd')!.textContent!.replace(/\s+/g, ' ').trim()]));
  return Object.fromEntries(rows);
}

/** Waits for the page's status region to say `text`. */
const announced = (page: Page, text: string) => page.locator('#room-status').filter({ hasText: text }).waitFor();

describe.skipIf(!browserAvailable)('the live room before joining', () => {
  let lk: LiveKitStandIn;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    lk = await startLiveKitStandIn();
    [server, browser] = await Promise.all([startServer({ config: { livekit: lk.config } }), launchWithFakeMedia()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await lk?.close();
  });

  it('by keyboard alone, M and V turn "Join with my microphone/camera on" off and on and say so; the list says H and T work once joined, and pressing them changes nothing; with shortcuts turned off M does nothing', async () => {
    const { t } = server;
    const trainer = await t.user('trainer', null, 'Mo Trainer');
    const s = await t.session({ title: 'Sensory-friendly classrooms', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } }, trainer);
    const page = await newPage(browser, server, { permissions: ['camera', 'microphone'] });
    const errors = watchPageErrors(page);
    const handRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/live/hand')) handRequests.push(r.url());
    });
    // Every "No camera/microphone is available" the page ever shows, however briefly (the
    // camera and microphone here work, so there must be none, not even before they start).
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { saidMissing: string[] }).saidMissing = []);
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.join-with .hint')) if (/available/.test(el.textContent ?? '')) seen.push(el.textContent!);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await signInAt(page, trainer, `/sessions/${s.id}/room`);
    await page.getByRole('button', { name: 'Join the session' }).waitFor();
    await page.getByLabel('Preview of your camera').waitFor();
    const mic = (checked: boolean) => page.getByRole('checkbox', { name: 'Join with my microphone on', checked });
    const cam = (checked: boolean) => page.getByRole('checkbox', { name: 'Join with my camera on', checked });
    await mic(true).waitFor();
    await cam(true).waitFor();
    expect(await page.evaluate(() => (window as unknown as { saidMissing: string[] }).saidMissing), 'no "not available" hint while the camera and microphone start').toEqual([]);

    // The list describes what each key does here: M and V choose, H and T wait for the room.
    const list = await shortcutList(page);
    expect(list).toEqual({
      M: 'Choose whether to join with your microphone on or off',
      V: 'Choose whether to join with your camera on or off',
      H: 'Raise or lower your hand (once you have joined)',
      C: 'Show or hide captions',
      T: 'Go to the chat message box (once you have joined)',
    });

    // Keyboard only: from the heading, M and V each toggle their choice and the page says so.
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('m');
    await mic(false).waitFor();
    await announced(page, 'Microphone will be off when you join.');
    await page.keyboard.press('m');
    await mic(true).waitFor();
    await announced(page, 'Microphone will be on when you join.');
    await page.keyboard.press('v');
    await cam(false).waitFor();
    await page.getByText('Camera is off').waitFor();
    await announced(page, 'Camera will be off when you join.');
    await page.keyboard.press('v');
    await cam(true).waitFor();
    await page.getByLabel('Preview of your camera').waitFor();
    await announced(page, 'Camera will be on when you join.');
    // Two presses in quick succession: off and on again, each seeing what the one before left.
    await page.keyboard.press('m');
    await page.keyboard.press('m');
    await announced(page, 'Microphone will be on when you join.');
    await mic(true).waitFor();
    await expectNoAxeViolations(page, 'room pre-join after M and V');

    // H and T before joining: no hand raised, no focus moved, the choices as they were; the page says why.
    const before = await page.evaluate(() => ({ focus: document.activeElement?.tagName, checks: [...document.querySelectorAll('input[type=checkbox]')].map((c) => (c as HTMLInputElement).checked), url: location.href }));
    await page.keyboard.press('h');
    await announced(page, 'You can raise your hand once you have joined.');
    await page.keyboard.press('t');
    await announced(page, 'The chat opens once you have joined.');
    const after = await page.evaluate(() => ({ focus: document.activeElement?.tagName, checks: [...document.querySelectorAll('input[type=checkbox]')].map((c) => (c as HTMLInputElement).checked), url: location.href }));
    expect(after).toEqual(before);
    expect(after.focus).toBe('H1');
    expect(handRequests).toEqual([]);
    await page.getByRole('button', { name: 'Join the session' }).waitFor();

    // Shortcuts turned off (by keyboard, in the list's own setting): M does nothing.
    await tabTo(page, 'Use single-key shortcuts', { max: 120 });
    await page.keyboard.press('Space');
    await page.getByRole('checkbox', { name: 'Use single-key shortcuts', checked: false }).waitFor();
    await page.keyboard.press('m');
    // Turned back on (drawn after that press), one more M turns the microphone off: so the
    // press while they were off had not (M is a toggle).
    await page.keyboard.press('Space');
    await page.getByRole('checkbox', { name: 'Use single-key shortcuts', checked: true }).waitFor();
    expect(await mic(true).count(), 'M with shortcuts off left the microphone choice alone').toBe(1);
    await page.keyboard.press('m');
    await mic(false).waitFor();
    await announced(page, 'Microphone will be off when you join.');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a listener before joining: M and V are listed as not available (they will be listening only), H and T as working once joined, and M says why it does nothing', async () => {
    const { t } = server;
    const org = await t.org('Rowan Primary');
    const staff = await t.user('staff', org.id, 'Lee Listener');
    const s = await t.session({ title: 'Webinar on transitions', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(browser, server, { permissions: ['camera', 'microphone'] });
    const errors = watchPageErrors(page);
    await signInAt(page, staff, `/sessions/${s.id}/room`);
    await page.getByText('You will join this session as a listener').waitFor();
    await page.getByRole('button', { name: 'Join the session' }).waitFor();
    expect(await shortcutList(page)).toEqual({
      M: 'Mute or unmute your microphone (not available: you will be listening only)',
      V: 'Turn your camera on or off (not available: you will be listening only)',
      H: 'Raise or lower your hand (once you have joined)',
      C: 'Show or hide captions',
      T: 'Go to the chat message box (once you have joined)',
    });
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('m');
    await announced(page, 'You will be listening only, so there is no microphone to mute or unmute. Once you have joined, raise your hand to ask to speak.');
    expect(await page.getByRole('checkbox', { name: /Join with my/ }).count()).toBe(0);
    await expectNoAxeViolations(page, 'room pre-join for a listener');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  /**
   * A trainer's pre-join page on a computer with no camera (the microphone works), at 320 px;
   * or, with `missing: 'audio'`, no microphone (the camera works). The device stays missing
   * until the page sets `window.deviceMissing` to null (plugged in), as a "Check again" then finds it.
   */
  async function noCameraPage(title: string, name: string, missing: 'video' | 'audio' = 'video', opts: { holdDeviceList?: boolean } = {}) {
    const { t } = server;
    const trainer = await t.user('trainer', null, name);
    const s = await t.session({ title, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } }, trainer);
    const page = await newPage(browser, server, { ...NARROW, permissions: ['camera', 'microphone'] });
    const errors = watchPageErrors(page);
    // Asking for the missing device fails as Chromium does without it.
    await page.addInitScript(
      ({ kind, hold }) => {
        const w = window as unknown as { deviceMissing: string | null; releaseDeviceList?: () => void };
        w.deviceMissing = kind;
        const md = navigator.mediaDevices;
        const real = md.getUserMedia.bind(md);
        md.getUserMedia = async (c) => {
          if (w.deviceMissing && c?.[w.deviceMissing as 'video' | 'audio']) throw new DOMException('Requested device not found', 'NotFoundError');
          return real(c);
        };
        // The list of devices (for the choice of camera and microphone) can come well after the
        // tracks on a busy computer: held until the test lets it go.
        if (hold) {
          const list = md.enumerateDevices.bind(md);
          const released = new Promise<void>((resolve) => (w.releaseDeviceList = resolve));
          md.enumerateDevices = async () => {
            await released;
            return list();
          };
        }
      },
      { kind: missing, hold: !!opts.holdDeviceList },
    );
    await signInAt(page, trainer, `/sessions/${s.id}/room`);
    await page.getByRole('heading', { level: 1, name: `Live room: ${title}` }).waitFor();
    if (missing === 'video') {
      await page.getByText('No camera was found').waitFor();
      await page.getByText('No camera preview', { exact: true }).waitFor();
      await page.getByRole('checkbox', { name: 'Join with my microphone on', checked: true }).waitFor();
    } else {
      await page.getByText('No microphone was found').waitFor();
      await page.getByLabel('Preview of your camera').waitFor();
      await page.getByRole('checkbox', { name: 'Join with my camera on', checked: true }).waitFor();
    }
    return { page, errors };
  }

  /** The "Join with my … on" tick box as read out: ticked, disabled, and its description. */
  async function joinWithBox(page: Page, what: 'camera' | 'microphone') {
    const box = page.getByRole('checkbox', { name: `Join with my ${what} on` });
    return {
      checked: await box.isChecked(),
      disabled: await box.isDisabled(),
      description: await box.evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .filter(Boolean)
          .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
          .join(' '),
      ),
    };
  }

  it('with no camera, at 320 px with text at 200%: the "No camera preview" box shows all its words and the page does not scroll sideways', async () => {
    const { page, errors } = await noCameraPage('Autism and anxiety', 'Nell Trainer');
    // Text at 200% (the root font size doubled, as a phone's largest text setting does).
    await page.evaluate(() => {
      document.documentElement.style.fontSize = '200%';
    });
    const fit = await page.getByText('No camera preview', { exact: true }).evaluate((el) => {
      const box = el.closest('.preview') as HTMLElement;
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      return {
        rootFontSize: getComputedStyle(document.documentElement).fontSize,
        box: { scrollHeight: box.scrollHeight, clientHeight: box.clientHeight, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth },
        inner: { scrollHeight: el.scrollHeight, clientHeight: el.clientHeight, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth },
        textInside: text.left >= b.left - 0.5 && text.right <= b.right + 0.5 && text.top >= b.top - 0.5 && text.bottom <= b.bottom + 0.5,
        text: [text.left, text.top, text.right, text.bottom].map(Math.round),
        boxRect: [b.left, b.top, b.right, b.bottom].map(Math.round),
      };
    });
    expect(fit.rootFontSize).toBe('32px');
    expect(fit.textInside, `the words (${fit.text}) lie within the box (${fit.boxRect})`).toBe(true);
    expect(fit.box.scrollHeight, 'the box cuts off nothing below').toBeLessThanOrEqual(fit.box.clientHeight);
    expect(fit.box.scrollWidth, 'the box cuts off nothing at the side').toBeLessThanOrEqual(fit.box.clientWidth);
    expect(fit.inner.scrollHeight).toBeLessThanOrEqual(fit.inner.clientHeight);
    expect(fit.inner.scrollWidth).toBeLessThanOrEqual(fit.inner.clientWidth);
    // The person will join with the camera off, so the tick box says so: unticked, not
    // changeable, and described by a hint that there is no camera (seen at 320 px, 200% text).
    expect(await joinWithBox(page, 'camera')).toEqual({ checked: false, disabled: true, description: 'No camera is available, so you will join with your camera off.' });
    expect(await joinWithBox(page, 'microphone')).toEqual({ checked: true, disabled: false, description: '' });
    const hint = await page.getByText('No camera is available, so you will join with your camera off.').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, width: document.documentElement.clientWidth, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
    });
    expect(hint.left, 'the hint starts on the screen').toBeGreaterThanOrEqual(0);
    expect(hint.right, 'the hint ends on the screen').toBeLessThanOrEqual(hint.width);
    expect(hint.scrollWidth, 'the hint wraps').toBeLessThanOrEqual(hint.clientWidth);
    await expectNoSidewaysScroll(page, 'room pre-join without a camera at 320 px with text at 200%');
    await expectNoAxeViolations(page, 'room pre-join without a camera at 320 px with text at 200%');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('with no camera: V changes nothing and says there is no camera, also before the list of devices has come; M still chooses the microphone', async () => {
    const { page, errors } = await noCameraPage('Attachment and trauma', 'Ned Trainer', 'video', { holdDeviceList: true });
    // The page says no camera was found: the check is over, whatever the device list is doing.
    expect(await page.getByText('Starting your camera and microphone…').count(), 'no "Starting…" beside "No camera was found"').toBe(0);
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('v');
    await announced(page, 'No camera is available, so you will join with it off.');
    expect(await joinWithBox(page, 'camera'), 'V left the camera tick box unticked').toEqual({ checked: false, disabled: true, description: 'No camera is available, so you will join with your camera off.' });
    await page.keyboard.press('m');
    await page.getByRole('checkbox', { name: 'Join with my microphone on', checked: false }).waitFor();
    await announced(page, 'Microphone will be off when you join.');
    await page.evaluate(() => (window as unknown as { releaseDeviceList: () => void }).releaseDeviceList());
    await expectNoAxeViolations(page, 'room pre-join without a camera');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a camera plugged in after the check: "Check again" finds it, and "Join with my camera on" is ticked (the choice was never the person\'s) and can be changed by click and by V', async () => {
    const { page, errors } = await noCameraPage('Speech and language needs', 'Nia Trainer');
    expect(await joinWithBox(page, 'camera')).toEqual({ checked: false, disabled: true, description: 'No camera is available, so you will join with your camera off.' });
    await page.evaluate(() => {
      (window as unknown as { deviceMissing: string | null }).deviceMissing = null;
    });
    await page.getByRole('button', { name: 'Check again' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Preview of your camera').waitFor();
    // Found, and said; the notice and its button have gone, so focus is on the check's heading, not <body>.
    await page.getByRole('status').filter({ hasText: 'Your camera and microphone were found: the preview shows your camera.' }).waitFor();
    await expectFocused(page, '#prejoin-title');
    await page.getByRole('checkbox', { name: 'Join with my camera on', checked: true }).waitFor();
    expect(await joinWithBox(page, 'camera')).toEqual({ checked: true, disabled: false, description: '' });
    expect(await page.getByText('No camera is available').count(), 'the hint has gone').toBe(0);
    await page.getByRole('checkbox', { name: 'Join with my camera on' }).click();
    await page.getByText('Camera is off').waitFor();
    expect(await joinWithBox(page, 'camera')).toEqual({ checked: false, disabled: false, description: '' });
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('v');
    await announced(page, 'Camera will be on when you join.');
    await page.getByRole('checkbox', { name: 'Join with my camera on', checked: true }).waitFor();
    await expectNoAxeViolations(page, 'room pre-join after a camera was found on checking again');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('with no microphone, at 320 px: "Join with my microphone on" is unticked, cannot be ticked, and says there is no microphone; M changes nothing and says so', async () => {
    const { page, errors } = await noCameraPage('Dyslexia in the classroom', 'Noor Trainer', 'audio');
    expect(await joinWithBox(page, 'microphone')).toEqual({ checked: false, disabled: true, description: 'No microphone is available, so you will join with your microphone off.' });
    expect(await joinWithBox(page, 'camera')).toEqual({ checked: true, disabled: false, description: '' });
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('m');
    await announced(page, 'No microphone is available, so you will join with it off.');
    expect(await joinWithBox(page, 'microphone')).toEqual({ checked: false, disabled: true, description: 'No microphone is available, so you will join with your microphone off.' });
    await expectNoSidewaysScroll(page, 'room pre-join without a microphone at 320 px');
    await expectNoAxeViolations(page, 'room pre-join without a microphone at 320 px');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the join request failing as Join is pressed: the notice saying why takes focus and is said, at 320 px', async () => {
    const { t } = server;
    const org = await t.org('Hazel Primary');
    const staff = await t.user('staff', org.id, 'Jo Joiner');
    const s = await t.session({ title: 'Joining fails', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(browser, server, { ...NARROW, permissions: ['camera', 'microphone'] });
    await signInAt(page, staff, `/sessions/${s.id}/room`);
    await page.getByRole('button', { name: 'Join the session' }).waitFor();
    // The room's check passed on arrival; the connection goes before Join is pressed.
    await page.route('**/join', (route) => route.abort('internetdisconnected'));
    await tabTo(page, 'Join the session');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#join-problem');
    expect(await page.locator('#join-problem').innerText()).toContain('The service could not be reached. Check your connection and try again.');
    await announced(page, 'The service could not be reached');
    await expectNoAxeViolations(page, 'the live room, joining failed');
    await expectNoSidewaysScroll(page);
    // Try again finds the room open once the connection is back, and Join is offered again.
    await page.unroute('**/join');
    await tabTo(page, 'Try again');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Join the session' }).waitFor();
  });
});
