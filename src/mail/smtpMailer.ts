/**
 * The mailer over SMTP (nodemailer), from one SMTP_URL (`smtp://user:pass@host:587`, `smtps://…:465`). Plain text
 * only; the URL's password never reaches a log line (errors are logged by type and message by the caller).
 * nodemailer (≈ 5 MB of RSS) is loaded with the first mail, not at start: digests go out once a day at most.
 */
import type { Transporter } from 'nodemailer';
import type { Mailer } from '../services/instructorAlerts.js';

export function smtpMailer(url: string, from: string): Mailer & { close(): void } {
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(
      (m) => m.default.createTransport(url),
      (err: unknown) => {
        transport = undefined;
        throw err;
      },
    ));
  return {
    send: async (mail) => {
      await (await open()).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => {
      void transport?.then((t) => t.close(), () => undefined);
    },
  };
}
