import { describe, expect, it } from 'vitest';
import AlertEmail from '../../emails/alert-email.js';
import DigestEmail, { type DigestEmailProps } from '../../emails/digest-email.js';
import { writeDigestText, writeTrialInvitationText } from '../../emails/plain-text.js';
import { renderEmailHtml } from '../../emails/render-html.js';
import TrialInvitationEmail from '../../emails/trial-invitation-email.js';
import { renderDigestEmailDirect } from '../../src/email/email-renderer.js';
import {
  dailyContent,
  freeReader,
  links,
  now,
  subscriber,
} from '../email/email-render.fixtures.js';

/** Templates render their PreviewProps as sent; snapshots keep the markup from changing unnoticed. */
describe('email templates', () => {
  it('digest-email renders its preview', async () => {
    const html = await renderEmailHtml(<DigestEmail {...DigestEmail.PreviewProps} />);
    await expect(html).toMatchFileSnapshot('__snapshots__/digest-email.html');
    await expect(writeDigestText(DigestEmail.PreviewProps)).toMatchFileSnapshot(
      '__snapshots__/digest-email.txt',
    );
  });

  it('alert-email renders its preview', async () => {
    const html = await renderEmailHtml(<AlertEmail {...AlertEmail.PreviewProps} />);
    await expect(html).toMatchFileSnapshot('__snapshots__/alert-email.html');
    await expect(writeDigestText(AlertEmail.PreviewProps, false)).toMatchFileSnapshot(
      '__snapshots__/alert-email.txt',
    );
  });

  it('trial-invitation-email renders its preview', async () => {
    const html = await renderEmailHtml(
      <TrialInvitationEmail {...TrialInvitationEmail.PreviewProps} />,
    );
    await expect(html).toMatchFileSnapshot('__snapshots__/trial-invitation-email.html');
    await expect(writeTrialInvitationText(TrialInvitationEmail.PreviewProps)).toMatchFileSnapshot(
      '__snapshots__/trial-invitation-email.txt',
    );
  });

  it('renders the preview when given no props, as `email export` does', async () => {
    const bare = await renderEmailHtml(<DigestEmail {...({} as DigestEmailProps)} />);
    expect(bare).toBe(await renderEmailHtml(<DigestEmail {...DigestEmail.PreviewProps} />));
    expect(bare).toContain('Commerce adds 27 Chinese entities');
  });

  it('lays out in tables at most 600px wide, without images', async () => {
    const html = await renderEmailHtml(<DigestEmail {...DigestEmail.PreviewProps} />);
    expect(html).toContain('role="presentation"');
    expect(html).toContain('max-width:600px');
    expect(html).toContain('lang="en"');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<style');
  });

  it('never lets a preview value into a real email', async () => {
    const props: DigestEmailProps = {
      ...DigestEmail.PreviewProps,
      greeting: 'Hello,',
      previewText: 'Nothing new today',
      groups: [],
      trialCta: null,
    };
    const html = await renderEmailHtml(<DigestEmail {...props} />);
    expect(html).not.toContain('Hi Ann');
    expect(html).not.toContain('Commerce adds');
  });
});

describe('rendered digests', () => {
  it('matches the snapshot for a reader with full access', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: dailyContent,
      digestId: 7,
      links,
      now,
    });
    await expect(email.html).toMatchFileSnapshot('__snapshots__/digest-full.html');
    await expect(email.text).toMatchFileSnapshot('__snapshots__/digest-full.txt');
  });

  it('matches the snapshot for a reader who gets teasers', async () => {
    const email = await renderDigestEmailDirect({
      reader: freeReader,
      content: dailyContent,
      digestId: 7,
      links,
      now,
    });
    await expect(email.html).toMatchFileSnapshot('__snapshots__/digest-teaser.html');
    await expect(email.text).toMatchFileSnapshot('__snapshots__/digest-teaser.txt');
  });
});
