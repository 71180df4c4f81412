import { field } from './header-block.js';
import { ruleFor } from './judge.js';
import { permanence } from './text-region.js';
import type { InboundMessage } from './types.js';

/*
 * Who wrote a bounce that has no delivery-status part: a known MTA or provider, told by its
 * own sentences, or, failing that, a mailer daemon told by how the message presents itself.
 */

interface Writer {
  format: string;
  says: RegExp;
}

/** In order: Office 365 and Exchange share sentences; Exim's are quoted by Mail.ru and others. */
const WRITERS: readonly Writer[] = [
  {
    format: 'qmail',
    says: /This is the qmail-send program|I'm afraid I wasn't able to deliver your message to the following addresses/i,
  },
  {
    format: 'yahoo',
    says: /Sorry, we were unable to deliver your message to the following address/i,
  },
  {
    format: 'gmail',
    says: /Delivery to the following recipients? (?:failed permanently|has been delayed)|\*\* (?:Address not found|Message not delivered|Message blocked|Message delayed) \*\*|Google tried to deliver your message/i,
  },
  {
    format: 'google-groups',
    says: /the group you tried to contact|Your email to group \S+ was rejected|groups\.google\.com\/support/i,
  },
  {
    format: 'office365',
    says: /Your message to \S+ couldn'?t be delivered|Your message couldn'?t be delivered/i,
  },
  {
    format: 'exchange',
    says: /Delivery has failed to these recipients or groups|did not reach the following recipient|Your message did not reach some or all of the intended recipients|The following recipient\(s\) (?:cannot|could not) be reached|could not be delivered to the following recipients/i,
  },
  {
    format: 'exim',
    says: /This message was created automatically by (?:mail delivery software|the SMTP relay)|A message that you sent (?:could not be delivered|has not yet been delivered) to (?:one or more of its|all of its)|A message that you sent contained one or more recipient addresses that were/i,
  },
  {
    format: 'postfix',
    says: /I'm sorry to have to inform you that (?:your message|the message returned below) could not|This is the (?:mail system|Postfix program) at host/i,
  },
  {
    format: 'sendmail',
    says: /-{3,} The following addresses had (?:permanent fatal|transient non-fatal) errors -{3,}|-{3,} Transcript of session follows -{3,}/i,
  },
  {
    format: 'opensmtpd',
    says: /An error has occurred while attempting to deliver a message for the following list of recipients/i,
  },
  {
    format: 'dragonfly',
    says: /This is the DragonFly Mail Agent|There was an error delivering your mail to/i,
  },
];

/** Which known writer's sentences a text has, or null. */
export function writerOf(region: string): string | null {
  for (const writer of WRITERS) if (writer.says.test(region)) return writer.format;
  return null;
}

const DAEMON = /mailer-daemon|post_?master|mail delivery (?:system|subsystem)|mail ?delivery|<>/i;
const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (?:status notification|failure|failed|has failed|problem|notification|report)|failure notice|returned mail|mail delivery failed|could not be delivered|non[- ]?delivery|delivery report|mail failure|returned to sender|nondeliverable|unzustellbar|nicht zustellbar|non remis|échec de (?:la )?(?:remise|distribution)|no se puede entregar|non recapitabile|onbestelbaar|エラー|不達|配信(?:不能|できません)|退信|未送达/i;
const ORIGINAL =
  /^(?:message\/(?:rfc822|global)|text\/rfc822-headers|message\/(?:rfc822|global)-headers)$/;

/**
 * Whether a message presents itself as a bounce, though no known writer's sentences are in it:
 * counted from how it is sent (a mailer daemon, a null Return-Path), what it says of itself (a
 * bounce subject, X-Failed-Recipients) and what it carries (a copy of the original, failure
 * words). Two of them make a bounce; an auto-reply needs three, as it also has a null
 * Return-Path and often quotes the message it answers.
 */
export function looksLikeBounce(
  message: InboundMessage,
  region: string,
  autoReply: boolean,
): boolean {
  const returnPath = (field(message.headers, 'return-path') ?? '').replace(/\s/g, '');
  const signals = [
    DAEMON.test(message.from ?? ''),
    returnPath === '<>' || /^<?mailer-daemon/i.test(returnPath),
    BOUNCE_SUBJECT.test(message.subject ?? ''),
    field(message.headers, 'x-failed-recipients') !== null,
    message.parts.some((p) => ORIGINAL.test(p.contentType)),
    permanence(region) === true || ruleFor(region) !== null,
  ].filter(Boolean).length;
  return signals >= (autoReply ? 3 : 2);
}
