/** What account emails say: plain English, a text part and an accessible HTML part with the same content. */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function passwordResetEmail(name: string, link: string, validMinutes: number) {
  const subject = 'Reset your password for SEND Live Training';
  const paras = [
    'Someone (we hope you) asked to reset the password of your SEND Live Training account.',
    `Use this link within ${validMinutes} minutes to choose a new password. It works once.`,
    'If you did not ask for this, you can ignore this email: your password stays as it is.',
  ];
  const text = [`Hello ${name},`, '', paras[0], '', paras[1], link, '', paras[2], '', 'SEND Live Training'].join('\n');
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; background: #ffffff;">
<h1 style="font-size: 22px;">${escapeHtml(subject)}</h1>
<p>Hello ${escapeHtml(name)},</p>
<p>${escapeHtml(paras[0]!)}</p>
<p>${escapeHtml(paras[1]!)}</p>
<p><a href="${escapeHtml(link)}" style="color: #1d4ed8;">Choose a new password</a></p>
<p>${escapeHtml(paras[2]!)}</p>
<p>SEND Live Training</p>
</body></html>`;
  return { subject, text, html };
}

/**
 * "Forgot your password?" from someone whose organisation requires its own sign-in: a new
 * password would not let them in, so this says how to sign in instead (and holds no link to
 * reset anything).
 */
/**
 * Sent instead of a reset link or an emailed sign-in link to someone whose organisation
 * requires its own sign-in (neither would let them in): how to sign in.
 */
export function passwordResetSsoEmail(name: string, orgName: string, signInUrl: string, asked: 'reset' | 'link' = 'reset') {
  const subject = 'How to sign in to SEND Live Training';
  const paras = [
    asked === 'reset' ? 'Someone (we hope you) asked to reset the password of your SEND Live Training account.' : 'Someone (we hope you) asked for a link to sign in to your SEND Live Training account.',
    `${orgName} asks its staff to sign in with their school account, so you do not need a ${asked === 'reset' ? 'password' : 'link'} here. On the sign-in page, use the button for your school’s sign-in:`,
    'If you cannot sign in that way, ask your school office or IT team. If you did not ask for this, you can ignore this email: nothing has changed.',
  ];
  const text = [`Hello ${name},`, '', paras[0], '', paras[1], signInUrl, '', paras[2], '', 'SEND Live Training'].join('\n');
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; background: #ffffff;">
<h1 style="font-size: 22px;">${escapeHtml(subject)}</h1>
<p>Hello ${escapeHtml(name)},</p>
<p>${escapeHtml(paras[0]!)}</p>
<p>${escapeHtml(paras[1]!)}</p>
<p><a href="${escapeHtml(signInUrl)}" style="color: #1d4ed8;">Go to the sign-in page</a></p>
<p>${escapeHtml(paras[2]!)}</p>
<p>SEND Live Training</p>
</body></html>`;
  return { subject, text, html };
}

export function signInLinkEmail(name: string, link: string, validMinutes: number) {
  const subject = 'Your sign-in link for SEND Live Training';
  const paras = [
    'Someone (we hope you) asked for a link to sign in to SEND Live Training without a password.',
    `Open this link within ${validMinutes} minutes, in the same browser you asked from. It works once.`,
    'If you did not ask for this, you can ignore this email: nobody can sign in with it without that browser.',
  ];
  const text = [`Hello ${name},`, '', paras[0], '', paras[1], link, '', paras[2], '', 'SEND Live Training'].join('\n');
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; background: #ffffff;">
<h1 style="font-size: 22px;">${escapeHtml(subject)}</h1>
<p>Hello ${escapeHtml(name)},</p>
<p>${escapeHtml(paras[0]!)}</p>
<p>${escapeHtml(paras[1]!)}</p>
<p><a href="${escapeHtml(link)}" style="color: #1d4ed8;">Sign in to SEND Live Training</a></p>
<p>${escapeHtml(paras[2]!)}</p>
<p>SEND Live Training</p>
</body></html>`;
  return { subject, text, html };
}
