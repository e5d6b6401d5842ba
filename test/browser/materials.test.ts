/**
 * Training materials in a real browser, at 320 CSS px, axe-clean: an administrator fills a
 * course's library; an in-house lead publishes a session for their school, adds a library
 * material and uploads their own handout; a member of staff who booked downloads it (a real
 * download, saved as an attachment under its safe name); a colleague who has not booked sees
 * the list but no download.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FILES } from '../materials-files.js';
import { activate, browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, newPage, serverAndBrowser, settled, signIn, signInAt, tabTo, warnIfSkipped, checkPage, typeInto, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

// 320 px, and downloads kept (the other narrow tests take none).
const NARROW_DOWNLOADS = { ...NARROW, acceptDownloads: true };

describe.skipIf(!browserAvailable)('training materials', () => {
  const env = serverAndBrowser();

  it('an admin fills a course’s library by keyboard, and an HTML page is refused (320 px, axe)', { timeout: 150_000 }, async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Zones of regulation' } })).json;

    // The administrator's library page.
    const adminPage = await newPage(env.browser, env.server, NARROW_DOWNLOADS);
    await signInAt(adminPage, admin, '/admin/courses');
    await adminPage.getByRole('heading', { level: 1, name: 'Courses' }).waitFor();
    await tabTo(adminPage, 'Materials library: Zones of regulation');
    await adminPage.keyboard.press('Enter');
    await adminPage.getByRole('heading', { level: 1, name: 'Materials: Zones of regulation' }).waitFor();
    await adminPage.getByText('No materials yet.').waitFor();
    await checkPage(adminPage, 'empty course library');
    await adminPage.getByLabel('File', { exact: true }).setInputFiles({ name: 'Zones slides.pdf', mimeType: 'application/pdf', buffer: FILES.pdf });
    await typeInto(adminPage, 'Title (optional)', 'Programme slides');
    await tabTo(adminPage, 'Upload file');
    await adminPage.keyboard.press('Enter');
    await adminPage.getByRole('status').filter({ hasText: '“Programme slides” added to the library.' }).waitFor();
    await adminPage.getByRole('link', { name: 'Download Programme slides' }).waitFor();
    // An HTML page is refused, in plain words, and nothing is added.
    await adminPage.getByLabel('File', { exact: true }).setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: FILES.html });
    await tabTo(adminPage, 'Upload file');
    await adminPage.keyboard.press('Enter');
    await adminPage.getByText(/must be a PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text file/).first().waitFor();
    expect((await t.request('GET', `/api/courses/${course.id}/materials`, { as: admin })).json.items).toHaveLength(1);
    await checkPage(adminPage, 'course library with a refused upload');
    // A PowerPoint slide show is kept as one, and the list says so.
    await adminPage.getByLabel('File', { exact: true }).setInputFiles({ name: 'Welcome.ppsx', mimeType: 'application/octet-stream', buffer: FILES.realPpsx });
    await typeInto(adminPage, 'Title (optional)', 'Welcome loop');
    await tabTo(adminPage, 'Upload file');
    await adminPage.keyboard.press('Enter');
    await adminPage.getByRole('status').filter({ hasText: '“Welcome loop” added to the library.' }).waitFor();
    await adminPage.getByRole('listitem').filter({ hasText: 'Welcome loop' }).getByText(/PowerPoint slide show/).waitFor();
  });

  it('an in-house lead publishes a session, adds a library material and uploads a handout; a booked member of staff downloads it (320 px, axe)', { timeout: 150_000 }, async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const school = await t.org('Birch Primary');
    const lead = await t.user('staff', school.id, 'Sam Senco');
    const booked = await t.user('staff', school.id, 'Bea Booked');
    const colleague = await t.user('staff', school.id, 'Cal Colleague');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Regulation in the early years' } })).json;
    const slides = await t.app.request(`/api/courses/${course.id}/materials/files?name=slides.pdf&title=Programme%20slides`, { method: 'POST', headers: { ...admin.auth, 'content-type': 'application/octet-stream' }, body: FILES.pdf });
    expect(slides.status).toBe(201);
    const poster = await t.app.request(`/api/courses/${course.id}/materials/files?name=poster.pdf&title=Old%20poster`, { method: 'POST', headers: { ...admin.auth, 'content-type': 'application/octet-stream' }, body: FILES.pdf });
    expect(poster.status).toBe(201);

    // The lead publishes an in-house session for their school, for this course.
    const leadPage = await newPage(env.browser, env.server, NARROW_DOWNLOADS);
    await signInAt(leadPage, lead, '/sessions/new');
    await leadPage.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await typeInto(leadPage, 'Title', 'Birch twilight: zones');
    await tabTo(leadPage, 'Date');
    await leadPage.getByLabel('Date', { exact: true }).fill(daysFromNow(5).slice(0, 10));
    await typeInto(leadPage, 'Start time', '1600');
    await typeInto(leadPage, 'End time', '1700');
    await typeInto(leadPage, 'Number of online seats', '15');
    await tabTo(leadPage, 'Organisation');
    await leadPage.keyboard.type('Birch');
    await tabTo(leadPage, 'Publish session');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('heading', { level: 1, name: 'Birch twilight: zones' }).waitFor();
    const sessionId = (await t.request('GET', '/api/me/sessions', { as: lead })).json.items[0].session.id as string;

    // On the session page: the materials panel, with the library of a course chosen by keyboard.
    await leadPage.getByRole('heading', { level: 2, name: 'Materials' }).waitFor();
    await leadPage.getByText('No materials yet.').waitFor();
    await tabTo(leadPage, 'Course');
    // (Not "Zones of regulation": an earlier test of this file made a course of that name, whose library differs.)
    await leadPage.keyboard.type('Regulation');
    // A library file can be looked at before it is added: it downloads from the list.
    await tabTo(leadPage, 'Download Programme slides');
    const looked = leadPage.waitForEvent('download');
    await leadPage.keyboard.press('Enter');
    expect(await (await looked).failure()).toBeNull();
    await tabTo(leadPage, 'Add to session: Programme slides');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('status').filter({ hasText: '“Programme slides” added to this session’s materials.' }).waitFor();
    // A library item deleted since the list was read: said so, the list read again, nothing to try again.
    // (The page has read its materials again, and the library shows the poster, before it is deleted.)
    await leadPage.getByRole('button', { name: 'Remove Programme slides' }).waitFor();
    await leadPage.getByRole('button', { name: 'Add to session: Old poster' }).waitFor();
    await settled(leadPage);
    expect((await t.request('DELETE', `/api/materials/${(await poster.json()).id}`, { as: admin })).status).toBe(204);
    await tabTo(leadPage, 'Add to session: Old poster');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('status').filter({ hasText: '“Old poster” is no longer in the library (it may have been deleted), so it was not added. The library below is as it is now.' }).waitFor();
    await expectFocused(leadPage, '#materials-status');
    expect(await leadPage.getByRole('button', { name: 'Add to session: Old poster' }).count()).toBe(0);
    expect(await leadPage.getByRole('button', { name: 'Try adding again' }).count()).toBe(0);
    await checkPage(leadPage, 'session materials after adding an item deleted from the library');
    await leadPage.getByLabel('File', { exact: true }).setInputFiles({ name: '../handout.html', mimeType: 'text/html', buffer: FILES.textWithScript });
    await typeInto(leadPage, 'Title (optional)', 'Our handout');
    await tabTo(leadPage, 'Upload file');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('status').filter({ hasText: '“Our handout” added to this session’s materials.' }).waitFor();
    await leadPage.getByRole('link', { name: 'Download Our handout' }).waitFor();
    await checkPage(leadPage, 'session page with materials, as its in-house lead');

    // A member of staff books, and downloads the handout: an attachment under its safe name, as plain text.
    expect((await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: booked, body: {} })).status).toBe(201);
    const staffPage = await newPage(env.browser, env.server, NARROW_DOWNLOADS);
    await signInAt(staffPage, booked, `/sessions/${sessionId}`);
    await staffPage.getByRole('heading', { level: 2, name: 'Materials' }).waitFor();
    await staffPage.getByRole('link', { name: 'Download Our handout' }).waitFor();
    expect(await staffPage.getByRole('button', { name: /Remove/ }).count()).toBe(0);
    await checkPage(staffPage, 'session page with materials, as a booked member of staff');
    const [download] = await Promise.all([staffPage.waitForEvent('download'), (async () => { await tabTo(staffPage, 'Download Our handout'); await staffPage.keyboard.press('Enter'); })()]);
    expect(download.suggestedFilename()).toBe('handout.txt');
    expect(await readFile((await download.path())!)).toEqual(FILES.textWithScript);
    // The page is still the session page: nothing was opened or run.
    expect(staffPage.url()).toContain(`/sessions/${sessionId}`);

    // A colleague who has not booked sees what the session uses, and is told to book to download.
    const colleaguePage = await newPage(env.browser, env.server, NARROW_DOWNLOADS);
    await signInAt(colleaguePage, colleague, `/sessions/${sessionId}`);
    await colleaguePage.getByText('Book a place on this session to download its materials.').waitFor();
    expect(await colleaguePage.getByRole('link', { name: /Download/ }).count()).toBe(0);
    await checkPage(colleaguePage, 'session page with materials, as a colleague not booked');
  });

  it('a refused file is said beside the File field, with a summary that takes focus and leads back to it (320 px, axe)', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Attachment and trauma' } })).json;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/courses/${course.id}/materials`);
    await page.getByRole('heading', { level: 1, name: 'Materials: Attachment and trauma' }).waitFor();
    await page.getByText('No materials yet.').waitFor();
    const file = page.getByLabel('File', { exact: true });

    // A web page is not a kind of file the library takes.
    await file.setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: FILES.html });
    await activate(page, 'Upload file');
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    await expectFocused(page, '.error-summary');
    // Under the form's own h3 ("Upload a file"): an h4, so the page's outline stays whole.
    await summary.getByRole('heading', { level: 4, name: 'There is a problem' }).waitFor();
    expect(await page.locator('#library-file-error').textContent()).toMatch(/This file cannot be added: it must be a PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text file/);
    expect(await summary.getByRole('link').textContent()).toMatch(/This file cannot be added/);
    expect(await file.getAttribute('aria-invalid')).toBe('true');
    expect(await file.getAttribute('aria-describedby')).toContain('library-file-error');
    expect(await page.getByRole('button', { name: 'Try uploading again' }).count()).toBe(0);
    await checkPage(page, 'course library, a file of a kind not taken');
    // The summary's link leads to the field.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#library-file');

    // An empty file is refused the same way.
    await file.setInputFiles({ name: 'empty.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
    await activate(page, 'Upload file');
    await page.locator('#library-file-error').filter({ hasText: 'The file is empty.' }).waitFor();
    await expectFocused(page, '.error-summary');

    // A good file is added, and the errors go.
    await file.setInputFiles({ name: 'slides.pdf', mimeType: 'application/pdf', buffer: FILES.pdf });
    await activate(page, 'Upload file');
    await page.getByRole('status').filter({ hasText: '“slides.pdf” added to the library.' }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await page.locator('#library-file-error').count()).toBe(0);
    expect((await t.request('GET', `/api/courses/${course.id}/materials`, { as: admin })).json.items).toHaveLength(1);
  });

  it('the "Add a link" form says what is wrong in a summary that takes focus and leads back to each field, and both add forms put "Error:" in the page title, in the library and on a session page (320 px, axe)', { timeout: 150_000 }, async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Sensory processing' } })).json;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/courses/${course.id}/materials`);
    await page.getByRole('heading', { level: 1, name: 'Materials: Sensory processing' }).waitFor();
    await page.getByText('No materials yet.').waitFor();
    expect(await page.title()).toBe('Materials: Sensory processing – SEND Live Training');

    // Nothing entered: both problems in a summary that takes focus, each beside its field.
    await activate(page, 'Add link');
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    await expectFocused(page, '.error-summary');
    expect(await summary.getByRole('link').allTextContents()).toEqual(['Enter a title.', 'Enter a web address starting with https:// or http://']);
    expect(await page.locator('#library-link-title-error').textContent()).toContain('Enter a title.');
    expect(await page.locator('#library-url-error').textContent()).toContain('Enter a web address starting with https:// or http://');
    await expect.poll(() => page.title()).toBe('Error: Materials: Sensory processing – SEND Live Training');
    await checkPage(page, 'course library, a link with nothing entered');
    // The summary's links lead to the fields.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#library-link-title');

    // A title but no web address of the kind taken: only that is said.
    await page.keyboard.type('Sensory checklist');
    await typeInto(page, 'Web address', 'javascript:alert(1)');
    await activate(page, 'Add link');
    await summary.filter({ hasNotText: 'Enter a title.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await summary.getByRole('link').allTextContents()).toEqual(['Enter a web address starting with https:// or http://']);
    expect(await page.locator('#library-link-title-error').count()).toBe(0);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#library-url');

    // Put right: the link is added, the errors go, and so does "Error:" in the title.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('https://example.org/sensory-checklist');
    await activate(page, 'Add link');
    await page.getByRole('status').filter({ hasText: '“Sensory checklist” added to the library.' }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await page.title()).toBe('Materials: Sensory processing – SEND Live Training');

    // The upload form's errors say so in the title too, and it goes once they are put right.
    await activate(page, 'Upload file', { back: true });
    await page.locator('#library-file-error').filter({ hasText: 'Choose a file to upload.' }).waitFor();
    await expect.poll(() => page.title()).toBe('Error: Materials: Sensory processing – SEND Live Training');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'slides.pdf', mimeType: 'application/pdf', buffer: FILES.pdf });
    await activate(page, 'Upload file');
    await page.getByRole('status').filter({ hasText: '“slides.pdf” added to the library.' }).waitFor();
    await expect.poll(() => page.title()).toBe('Materials: Sensory processing – SEND Live Training');

    // A session's own add forms: the same summary, and the same title.
    const s = await t.session({ title: 'Sensory twilight', startsAt: daysFromNow(5), endsAt: new Date(Date.parse(daysFromNow(5)) + 3_600_000).toISOString(), capacity: { online: 10 } });
    const trainerPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(trainerPage, s.trainer, `/sessions/${s.id}`);
    await trainerPage.getByRole('heading', { level: 1, name: 'Sensory twilight' }).waitFor();
    await trainerPage.getByRole('heading', { name: 'Add a link' }).waitFor();
    await typeInto(trainerPage, 'Link title', 'Session notes');
    await activate(trainerPage, 'Add link');
    const sessionSummary = trainerPage.getByRole('alert').filter({ hasText: 'There is a problem' });
    await sessionSummary.waitFor();
    await expectFocused(trainerPage, '.error-summary');
    expect(await sessionSummary.getByRole('link').allTextContents()).toEqual(['Enter a web address starting with https:// or http://']);
    expect(await trainerPage.locator('#session-material-url-error').textContent()).toContain('Enter a web address starting with https:// or http://');
    await expect.poll(() => trainerPage.title()).toBe('Error: Sensory twilight – SEND Live Training');
    await checkPage(trainerPage, 'session page, a link without its web address');
    await trainerPage.keyboard.press('Tab');
    await trainerPage.keyboard.press('Enter');
    await expectFocused(trainerPage, '#session-material-url');
    await trainerPage.keyboard.type('https://example.org/notes');
    await activate(trainerPage, 'Add link');
    await trainerPage.getByRole('status').filter({ hasText: '“Session notes” added to this session’s materials.' }).waitFor();
    expect(await trainerPage.locator('.error-summary').count()).toBe(0);
    await expect.poll(() => trainerPage.title()).toBe('Sensory twilight – SEND Live Training');
  });

  it('someone who books a seat on the session page gets the materials’ downloads there and then, without reloading (320 px, axe)', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const school = await t.org('Elm Primary');
    const teacher = await t.user('staff', school.id, 'Tess Teacher');
    const startsAt = daysFromNow(6);
    const s = await t.session({ title: 'Elm twilight: attention', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(), capacity: { online: 10 } });
    const handout = await t.app.request(`/api/sessions/${s.id}/materials/files?name=handout.pdf&title=Attention%20handout`, { method: 'POST', headers: { ...s.trainer.auth, 'content-type': 'application/octet-stream' }, body: FILES.pdf });
    expect(handout.status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW_DOWNLOADS);
    await signInAt(page, teacher, `/sessions/${s.id}`);
    await page.getByText('Book a place on this session to download its materials.').waitFor();
    expect(await page.getByRole('link', { name: 'Download Attention handout' }).count()).toBe(0);

    // Booked by keyboard on this page: the materials are now theirs to download, as the server says.
    await tabTo(page, 'Book a seat');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/materials`, { as: teacher })).json.canDownload).toBe(true);
    await page.getByRole('link', { name: 'Download Attention handout' }).waitFor();
    expect(await page.getByText('Book a place on this session to download its materials.').count()).toBe(0);
    await checkPage(page, 'session page with materials, just booked');
  });
});

describe.skipIf(!browserAvailable)('training materials on a site whose upload limit is not the default', () => {
  // As MATERIAL_MAX_MB=2 would set it.
  const env = serverAndBrowser({ server: { config: { maxMaterialBytes: 2 * 1024 * 1024 } } });

  it('the upload forms say the site’s limit and refuse a larger file before sending it, beside the File field (320 px, axe)', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Speech and language' } })).json;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/courses/${course.id}/materials`);
    await page.getByRole('heading', { level: 1, name: 'Materials: Speech and language' }).waitFor();
    await page.locator('#library-file-hint').filter({ hasText: 'up to 2 MB.' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('20 MB');

    // 3 MB: over this site's limit (though under the default 20 MB). Refused on the page; nothing is sent.
    let sent = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/materials/files')) sent++;
    });
    const big = Buffer.concat([FILES.pdf, Buffer.alloc(3 * 1024 * 1024, 0x20)]);
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'Whole term.pdf', mimeType: 'application/pdf', buffer: big });
    await activate(page, 'Upload file');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#library-file-error').textContent()).toContain('Whole term.pdf is larger than 2 MB, the most a file may be.');
    expect(sent).toBe(0);
    await checkPage(page, 'course library, a file over the site’s limit');

    // Under it, a file is taken.
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'Handout.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([FILES.pdf, Buffer.alloc(1024 * 1024, 0x20)]) });
    await activate(page, 'Upload file');
    await page.getByRole('status').filter({ hasText: '“Handout.pdf” added to the library.' }).waitFor();

    // A session's own upload form says the same limit.
    const s = await t.session({ title: 'Talking mats', startsAt: daysFromNow(4), endsAt: new Date(Date.parse(daysFromNow(4)) + 3_600_000).toISOString(), capacity: { online: 10 } });
    const trainerPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(trainerPage, s.trainer, `/sessions/${s.id}`);
    await trainerPage.locator('#session-material-file-hint').filter({ hasText: 'up to 2 MB.' }).waitFor();
  });
});
