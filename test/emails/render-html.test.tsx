import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import AlertEmail from '../../emails/alert-email.js';
import DigestEmail from '../../emails/digest-email.js';
import { writeDigestText, writeTrialInvitationText } from '../../emails/plain-text.js';
import { renderEmailHtml, rewriteAsHtml5 } from '../../emails/render-html.js';
import TrialInvitationEmail from '../../emails/trial-invitation-email.js';

describe('rewriteAsHtml5', () => {
  it('writes the HTML5 doctype, bare void elements and lower-case attribute names', () => {
    const react =
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">' +
      '<html><head><meta name="color-scheme" content="light"/></head><body>' +
      '<table cellPadding="0" cellSpacing="0"><tbody><tr><td>One<br/>two</td></tr></tbody></table>' +
      '<hr style="border-top:1px solid #E3E6EB"/></body></html>';
    expect(rewriteAsHtml5(react)).toBe(
      '<!DOCTYPE html><html><head><meta name="color-scheme" content="light"></head><body>' +
        '<table cellpadding="0" cellspacing="0"><tbody><tr><td>One<br>two</td></tr></tbody></table>' +
        '<hr style="border-top:1px solid #E3E6EB"></body></html>',
    );
  });

  it('leaves text and attribute values byte for byte', () => {
    const react =
      '<html><body><a href="https://x.example/A?Q=cellPadding&amp;b=/&gt;" data-Note="a=&quot;B&quot; /&gt;">' +
      'Text with cellSpacing="0" /&gt; and &lt;br/&gt;</a></body></html>';
    expect(rewriteAsHtml5(react)).toBe(
      '<!DOCTYPE html><html><body><a href="https://x.example/A?Q=cellPadding&amp;b=/&gt;" data-note="a=&quot;B&quot; /&gt;">' +
        'Text with cellSpacing="0" /&gt; and &lt;br/&gt;</a></body></html>',
    );
  });
});

/**
 * html-validate's recommended rules, relaxed only where email needs it: inline styles and
 * presentational attributes are how mail clients get layout.
 */
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    'no-inline-style': 'off',
    'no-deprecated-attr': 'off',
    'prefer-tbody': 'off',
  },
});

describe('the HTML we send', () => {
  const templates = {
    digest: <DigestEmail {...DigestEmail.PreviewProps} />,
    alert: <AlertEmail {...AlertEmail.PreviewProps} />,
    'trial invitation': <TrialInvitationEmail {...TrialInvitationEmail.PreviewProps} />,
  };

  for (const [name, element] of Object.entries(templates)) {
    it(`validates as HTML for the ${name}`, async () => {
      const report = await validator.validateString(await renderEmailHtml(element));
      const messages = report.results.flatMap((result) =>
        result.messages.map((m) => `${m.ruleId}: ${m.message}`),
      );
      expect(messages).toEqual([]);
    });
  }

  it('says the trial invitation is promotional, in HTML and text, and a digest is not', async () => {
    const notice = 'This is a promotional offer from Trade Compliance Brief.';
    expect(await renderEmailHtml(templates['trial invitation'])).toContain(notice);
    expect(writeTrialInvitationText(TrialInvitationEmail.PreviewProps)).toContain(notice);
    expect(await renderEmailHtml(templates.digest)).not.toContain('promotional');
    expect(writeDigestText(DigestEmail.PreviewProps)).not.toContain('promotional');
  });
});
