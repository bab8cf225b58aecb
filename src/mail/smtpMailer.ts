/**
 * The mailer over SMTP (nodemailer), from one SMTP_URL (`smtp://user:pass@host:587`, `smtps://…:465`). Plain text
 * only; the URL's password never reaches a log line (errors are logged by type and message by the caller).
 */
import nodemailer from 'nodemailer';
import type { Mailer } from '../services/instructorAlerts.js';

export function smtpMailer(url: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(url);
  return {
    send: async (mail) => {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
