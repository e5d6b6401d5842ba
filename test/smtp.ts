/**
 * An in-process SMTP server on 127.0.0.1 for tests: a real SMTP exchange. It keeps every
 * message it accepts (envelope recipients and raw MIME) and counts each by its
 * Message-ID (the outbox row id), and can be told to refuse: `421` at MAIL FROM (service
 * not available), `450` at RCPT TO (mailbox busy) or `451` after the message data (local
 * error in processing), each a temporary failure a sender must retry.
 */
import { SMTPServer } from 'smtp-server';

export type Refusal = 'none' | '421-mail' | '450-rcpt' | '451-data';

export interface TestSmtp {
  port: number;
  url: string;
  /** Message-ID → times accepted. */
  accepted: Map<string, number>;
  /** Every accepted message, in order. */
  received: { to: string[]; raw: string }[];
  /** Messages refused so far. */
  refused: () => number;
  refuse(mode: Refusal): void;
  close(): Promise<void>;
}

function tempError(code: number, text: string) {
  return Object.assign(new Error(text), { responseCode: code });
}

export function startSmtp(port = 0, mode: Refusal = 'none'): Promise<TestSmtp> {
  const accepted = new Map<string, number>();
  const received: { to: string[]; raw: string }[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_a, _s, cb) {
      if (mode === '421-mail') return refusals++, cb(tempError(421, 'Service not available, try again later'));
      cb();
    },
    onRcptTo(_a, _s, cb) {
      if (mode === '450-rcpt') return refusals++, cb(tempError(450, 'Mailbox busy, try again later'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (mode === '451-data') return refusals++, cb(tempError(451, 'Local error in processing'));
        const raw = Buffer.concat(chunks).toString('utf8');
        const id = raw.match(/^Message-ID:\s*<([^@>]+)/im)?.[1] ?? `unknown-${accepted.size}`;
        accepted.set(id, (accepted.get(id) ?? 0) + 1);
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = (server.server.address() as { port: number }).port;
      resolve({
        port: p,
        url: `smtp://127.0.0.1:${p}`,
        accepted,
        received,
        refused: () => refusals,
        refuse: (m) => (mode = m),
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
