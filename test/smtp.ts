/**
 * An in-process SMTP server on 127.0.0.1 for tests: a real SMTP exchange. It keeps every
 * message it accepts (envelope recipients and raw MIME) and counts each by its
 * Message-ID (the outbox row id), and can be told to refuse: `421` at MAIL FROM (service
 * not available), `450` at RCPT TO (mailbox busy) or `451` after the message data (local
 * error in processing), each a temporary failure a sender must retry.
 */
import net from 'node:net';
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

export interface StallingSmtp {
  url: string;
  /** Resolves when a client's MAIL FROM is being kept waiting. */
  held: Promise<void>;
  /** Connections the client has closed (or that ended otherwise). */
  closed: () => number;
  /** DATA commands received: a message's content started (none while every send is held). */
  dataCommands: () => number;
  close(): Promise<void>;
}

/**
 * A mail server that keeps every send waiting, as a tarpitting or overloaded relay can: it
 * greets and answers EHLO, then answers MAIL FROM with continuation lines (`250-`), one every
 * 50 ms, and never the last line. The connection is never idle, so a socket inactivity
 * timeout never ends the send: only a bound on the whole send does.
 */
export function startStallingSmtp(): Promise<StallingSmtp> {
  let closed = 0;
  let data = 0;
  let heldNow!: () => void;
  const held = new Promise<void>((r) => (heldNow = r));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let trickle: NodeJS.Timeout | undefined;
    let buffered = '';
    const done = () => {
      clearInterval(trickle);
      if (sockets.delete(socket)) closed++;
    };
    socket.on('end', () => {
      done();
      socket.end();
    });
    socket.on('close', done);
    socket.on('error', done);
    socket.write('220 stalling.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let at: number;
      while ((at = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, at).toUpperCase();
        buffered = buffered.slice(at + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 stalling.test\r\n');
        else if (line.startsWith('MAIL FROM')) {
          trickle = setInterval(() => socket.write('250-still checking\r\n'), 50);
          heldNow();
        } else if (line.startsWith('DATA')) {
          data++;
          socket.write('354 go ahead\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `smtp://127.0.0.1:${port}`,
        held,
        closed: () => closed,
        dataCommands: () => data,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** The text of a raw MIME message's parts, quoted-printable undone (UTF-8), on one line. */
export function mimeText(raw: string): string {
  const soft = raw.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\s+/g, ' ');
}
