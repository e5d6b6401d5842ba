/** What account emails say: plain English, a text part and an accessible HTML part with the same content. */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Every account email has one shape: a greeting, why it was sent, what to do with the one
 * link it carries (`linkText` names it in the HTML part), and what to do if it was not asked for.
 */
function accountEmail(subject: string, name: string, [why, what, otherwise]: [string, string, string], link: string, linkText: string) {
  const text = [`Hello ${name},`, '', why, '', what, link, '', otherwise, '', 'SEND Live Training'].join('\n');
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; background: #ffffff;">
<h1 style="font-size: 22px;">${escapeHtml(subject)}</h1>
<p>Hello ${escapeHtml(name)},</p>
<p>${escapeHtml(why)}</p>
<p>${escapeHtml(what)}</p>
<p><a href="${escapeHtml(link)}" style="color: #1d4ed8;">${escapeHtml(linkText)}</a></p>
<p>${escapeHtml(otherwise)}</p>
<p>SEND Live Training</p>
</body></html>`;
  return { subject, text, html };
}

/**
 * To a person's old address when their account's email is changed by someone else (an office,
 * an administrator): whoever has the new address can now sign in as them, so they hear of it
 * where they can still read it, with whom to tell.
 */
export function emailChangedEmail(name: string, newEmail: string, by: string, link: string) {
  return accountEmail(
    'The email address of your SEND Live Training account was changed',
    name,
    [
      `The email address of your SEND Live Training account was changed to ${newEmail} by ${by}.`,
      'From now on the service writes to that address, and you sign in with it: this address no longer signs in to your account.',
      'If you did not expect this, tell your school office or the service’s administrators at once: whoever has the new address can sign in as you.',
    ],
    link,
    'Go to SEND Live Training',
  );
}

/**
 * A link to choose a new password: asked for by someone ("Forgot your password?"), or
 * `sentByAdministrator` from the person's record, which it says (no one asked, so "we hope
 * you" would be untrue); to someone with no password yet, it is a link to choose one.
 */
export function passwordResetEmail(name: string, link: string, validMinutes: number, { sentByAdministrator = false, hasPassword = true }: { sentByAdministrator?: boolean; hasPassword?: boolean } = {}) {
  if (sentByAdministrator) {
    return accountEmail(
      hasPassword ? 'Reset your password for SEND Live Training' : 'Choose a password for SEND Live Training',
      name,
      [
        `An administrator of SEND Live Training sent you this link to ${hasPassword ? 'set a new password for' : 'choose a password for'} your account.`,
        `Use this link within ${validMinutes} minutes to choose ${hasPassword ? 'a new' : 'your'} password. It works once.`,
        hasPassword ? 'If you do not want a new password, you can ignore this email: your password stays as it is.' : 'If you do not want a password, you can ignore this email: you can sign in instead by asking for a sign-in link on the sign-in page.',
      ],
      link,
      hasPassword ? 'Choose a new password' : 'Choose a password',
    );
  }
  return accountEmail(
    'Reset your password for SEND Live Training',
    name,
    [
      'Someone (we hope you) asked to reset the password of your SEND Live Training account.',
      `Use this link within ${validMinutes} minutes to choose a new password. It works once.`,
      'If you did not ask for this, you can ignore this email: your password stays as it is.',
    ],
    link,
    'Choose a new password',
  );
}

/**
 * To an in-house lead given a session to run by their organisation's office (or an
 * administrator): which session, that it is now theirs, and whom to tell if they cannot.
 */
export function sessionGivenEmail(name: string, title: string, when: string, orgName: string, link: string) {
  return accountEmail(
    `You now run “${title}”`,
    name,
    [
      `As an in-house lead for ${orgName}, you have been given the session “${title}” to run, on ${when}.`,
      'It is in My sessions, with who is coming, the register and, online, the live room. Open it here:',
      `If you cannot run it, tell ${orgName}’s office, who can give it to another in-house lead.`,
    ],
    link,
    'Open the session',
  );
}

/**
 * Sent instead of a reset link ("Forgot your password?") or an emailed sign-in link to
 * someone whose organisation requires its own sign-in (neither would let them in): how to
 * sign in, with no link to reset anything.
 */
export function passwordResetSsoEmail(name: string, orgName: string, signInUrl: string, asked: 'reset' | 'link' = 'reset') {
  return accountEmail(
    'How to sign in to SEND Live Training',
    name,
    [
      asked === 'reset' ? 'Someone (we hope you) asked to reset the password of your SEND Live Training account.' : 'Someone (we hope you) asked for a link to sign in to your SEND Live Training account.',
      `${orgName} asks its staff to sign in with their school account, so you do not need a ${asked === 'reset' ? 'password' : 'link'} here. On the sign-in page, use the button for your school’s sign-in:`,
      'If you cannot sign in that way, ask your school office or IT team. If you did not ask for this, you can ignore this email: nothing has changed.',
    ],
    signInUrl,
    'Go to the sign-in page',
  );
}

export function signInLinkEmail(name: string, link: string, validMinutes: number) {
  return accountEmail(
    'Your sign-in link for SEND Live Training',
    name,
    [
      'Someone (we hope you) asked for a link to sign in to SEND Live Training without a password.',
      `Open this link within ${validMinutes} minutes, in the same browser you asked from. It works once.`,
      'If you did not ask for this, you can ignore this email: nobody can sign in with it without that browser.',
    ],
    link,
    'Sign in to SEND Live Training',
  );
}
