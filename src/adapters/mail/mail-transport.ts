/* The mail transport's interface: what the services hand over and what comes back. */

/** One rendered email, addressed, with the headers a bulk sender must carry. */
export interface OutgoingEmail {
  to: { email: string; name: string | null };
  subject: string;
  html: string;
  text: string;
  /** The https one-click unsubscribe URL (RFC 8058). */
  unsubscribeUrl: string;
  /** An optional mailto: address offered as a second List-Unsubscribe target. */
  unsubscribeMailto?: string | null;
  /** A label such as `export-controls-daily`; the header becomes `List-Id: <label.from-domain>`. */
  listId: string;
  /** The full Feedback-ID value, `a:b:c:sender`. */
  feedbackId: string;
  /** `<local@from-domain>`, made deterministic by the caller so a retry keeps the same id. */
  messageId: string;
  /**
   * The envelope sender (SMTP MAIL FROM, the Return-Path a receiver writes): the delivery's
   * VERP address on the bounce domain when BOUNCE_ADDRESS is set. Unset: the From address.
   */
  envelopeFrom?: string | null;
  /** The delivery's bounce tag, sent as `X-Bulletin-Tag` for providers that echo headers back. */
  bounceTag?: string | null;
  date?: Date;
}

/** What the server (or the outbox) said when it took the message. */
export interface SendResult {
  messageId: string;
  response: string;
}

export interface MailTransport {
  /** Hands the message over. Throws a `SendFailure` (see `smtp-failure.ts`) on any failure. */
  send(email: OutgoingEmail): Promise<SendResult>;
  /**
   * Closes idle connections; a message already in flight still finishes. Call it after the
   * workers have drained.
   */
  close(): Promise<void>;
  /** Where mail goes, for the start-up message: "outbox var/outbox" or "smtp://host:587". */
  describe(): string;
}

export interface DkimSettings {
  domain: string;
  selector: string;
  /** PEM-encoded RSA private key. */
  privateKey: string;
}

export interface MailSettings {
  /**
   * `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…:465`
   * (implicit TLS). Query parameters are nodemailer connection options, e.g.
   * `?tls.rejectUnauthorized=false` for a test server with a self-signed certificate,
   * `?requireTLS=true`, `?ignoreTLS=true`, `?maxConnections=2`, `?socketTimeout=5000`.
   * `null` writes `.eml` files to `outboxDir` instead.
   */
  smtpUrl: string | null;
  outboxDir: string;
  from: { email: string; name: string };
  dkim: DkimSettings | null;
  /** Reuse SMTP connections (default true). */
  pool?: boolean;
  /** Pooled connections at most; a URL's `maxConnections` gives way to it. */
  maxConnections?: number;
  /** Messages per second over SMTP, per process (default: no limit here; the queue limits). */
  sendRate?: number;
  /** A pooled connection failed outside any send (each send reports its own failure). */
  onConnectionError?: (error: Error) => void;
}
