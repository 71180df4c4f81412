import { execFileSync } from 'node:child_process';
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A stand-in for Amazon SNS in tests: an RSA key and a self-signed certificate made with
 * openssl when the test starts (nothing kept on disk), and messages signed with them the way
 * SNS signs (the string to sign written out here from Amazon's guide, not taken from the code
 * under test).
 */
export interface SnsTestSigner {
  certificatePem: string;
  certUrl: string;
  sign(message: Record<string, string>, version?: '1' | '2'): Record<string, string>;
}

export const TEST_CERT_URL =
  'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';

export function createSnsTestSigner(certUrl = TEST_CERT_URL): SnsTestSigner {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-sns-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=sns.amazonaws.com',
      ],
      { stdio: 'ignore' },
    );
    const key: KeyObject = createPrivateKey(fs.readFileSync(keyFile));
    const certificatePem = fs.readFileSync(certFile, 'utf8');
    return {
      certificatePem,
      certUrl,
      sign(message, version = '2') {
        const full = { ...message, SignatureVersion: version, SigningCertURL: certUrl };
        const signature = sign(
          version === '1' ? 'sha1' : 'sha256',
          Buffer.from(stringToSign(full)),
          key,
        );
        return { ...full, Signature: signature.toString('base64') };
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Amazon's rule: these fields, in this order, each "Name\nvalue\n"; Subject only when present. */
function stringToSign(m: Record<string, string>): string {
  const names =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return names
    .filter((name) => m[name] !== undefined)
    .map((name) => `${name}\n${m[name]}\n`)
    .join('');
}

export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:bulletin-ses-events';

/** An SNS Notification envelope (unsigned) around an SES event. */
export function sesNotification(
  sesEvent: unknown,
  options: { messageId?: string; timestamp?: Date; topicArn?: string } = {},
): Record<string, string> {
  return {
    Type: 'Notification',
    MessageId: options.messageId ?? `sns-${Math.random().toString(36).slice(2)}`,
    TopicArn: options.topicArn ?? TOPIC_ARN,
    Message: JSON.stringify(sesEvent),
    Timestamp: (options.timestamp ?? new Date()).toISOString(),
  };
}

/** An SES bounce notification for one recipient of one of our Message-IDs. */
export function sesBounce(
  recipient: string,
  messageId: string,
  bounceType: 'Permanent' | 'Transient' | 'Undetermined' = 'Permanent',
) {
  return {
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      bouncedRecipients: [
        {
          emailAddress: recipient,
          action: 'failed',
          status: bounceType === 'Permanent' ? '5.1.1' : '4.2.2',
          diagnosticCode: `smtp; 550 5.1.1 <${recipient}>: Recipient address rejected`,
        },
      ],
      timestamp: '2026-11-28T09:05:00.000Z',
      feedbackId: `0102018-${Math.random().toString(36).slice(2)}-000000`,
      reportingMTA: 'dsn; a1-2.smtp-out.eu-west-1.amazonses.com',
    },
    mail: {
      timestamp: '2026-11-28T09:04:59.000Z',
      source: 'alerts@brief.example',
      messageId: '0102018abcdef-ses-own-id-000000',
      destination: [recipient],
      headersTruncated: false,
      headers: [
        { name: 'From', value: 'Trade Compliance Brief <alerts@brief.example>' },
        { name: 'To', value: recipient },
        { name: 'Message-ID', value: messageId },
      ],
      commonHeaders: { from: ['alerts@brief.example'], to: [recipient], messageId },
    },
  };
}
