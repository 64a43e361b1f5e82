// An SMTP peer on loopback (smtp-server in the test process) for the e-mail connector's tests: it
// takes any message, refuses addresses starting with "refused" (550) and defers those starting with
// "later" (450), and keeps what it received. With `auth`, it also offers AUTH and accepts only that
// login (535 otherwise), recording who sent each message.
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  /** The authenticated login (with `auth`). */
  readonly user?: string | undefined;
  readonly raw: Buffer;
}

export interface SmtpPeer {
  readonly port: number;
  readonly received: ReceivedMail[];
  close(): Promise<void>;
}

const refusal = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

export async function startSmtpPeer(options: { readonly auth?: { readonly user: string; readonly password: string } } = {}): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  const { auth } = options;
  const server = new SMTPServer({
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: Boolean(auth),
    authOptional: true,
    logger: false,
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && login.password === auth.password) callback(null, { user: login.username });
      else callback(refusal(535, 'Authentication failed'));
    },
    size: 50 * 1024 * 1024,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (address.address.startsWith('refused')) callback(refusal(550, 'No such user here'));
      else if (address.address.startsWith('later')) callback(refusal(450, 'Mailbox busy, try again later'));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), user: session.user, raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
