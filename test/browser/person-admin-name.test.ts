/**
 * On People, each card's "Change role, job role or organisation, or send a reset link" is
 * named with its person (as the card's other controls are: "Turn off account: <name>"), so a
 * screen reader's list of controls tells the cards apart; the visible words start the name
 * (WCAG 2.5.3). Read as Chromium's accessibility tree names it. Keyboard, 320 px, axe-clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, newPage, serverAndBrowser, signInTo, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const VISIBLE = 'Change role, job role or organisation, or send a reset link';

/** The accessible names Chromium gives the elements `selector` finds, in page order. */
async function accessibleNames(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
    const names: string[] = [];
    for (const nodeId of nodeIds) {
      const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
      names.push(String(nodes[0]?.name?.value ?? ''));
    }
    return names;
  } finally {
    await cdp.detach();
  }
}

describe.skipIf(!browserAvailable)('People: each card’s role and reset disclosure names its person', () => {
  const env = serverAndBrowser();

  it('two people’s disclosures have different names, each holding the visible words and the person’s name; Tab reaches each by it', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const org = await t.org('Rowan Primary');
    const zoe = await t.user('staff', org.id, 'Zoe Dupliss');
    const zak = await t.user('staff', org.id, 'Zak Dupliss');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/people?q=dupliss', 'People');
    await page.getByText('People matching “dupliss”: 2 people.').waitFor();

    const names = (await accessibleNames(page, 'summary')).filter((n) => n.startsWith(VISIBLE));
    expect(names).toHaveLength(2);
    // (Chromium may put a space where the visually hidden text starts.)
    for (const who of [zoe, zak]) expect(names.filter((n) => new RegExp(`^${VISIBLE} ?: ${who.name}$`).test(n))).toHaveLength(1);
    expect(new Set(names).size).toBe(2);
    await checkPage(page, 'People with two disclosures named by person (320 px)');

    // By keyboard: Zak's, by its name, opens Zak's form.
    await tabTo(page, `${VISIBLE}: ${zak.name}`, { max: 120 });
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Save role and organisation for ${zak.name}` }).waitFor();
    expect(await page.getByRole('button', { name: `Save role and organisation for ${zoe.name}` }).count()).toBe(0);
    await checkPage(page, 'People with Zak’s role form open (320 px)');
  });
});
