import { describe, expect, it } from 'vitest';
import { classifySmtpError, SendFailure } from '../../../src/adapters/mail/smtp-failure.js';

/** Builds an error shaped like the ones nodemailer hands back. */
function nodemailerError(fields: {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}): Error {
  return Object.assign(new Error(fields.message ?? 'failed'), fields);
}

describe('classifySmtpError', () => {
  it.each([
    [421, 'DATA', '421 4.3.2 Service shutting down'],
    [450, 'RCPT TO', '450 4.2.1 Mailbox busy'],
    [452, 'DATA', '452 4.3.1 Insufficient storage'],
    [503, 'DATA', '503 5.5.1 Bad sequence of commands'],
  ])('reply %i to %s is retryable', (responseCode, command, response) => {
    const failure = classifySmtpError(
      nodemailerError({ code: 'EENVELOPE', responseCode, command, response }),
    );
    expect(failure.kind).toBe('retryable');
    expect(failure.hardBounce).toBe(false);
    expect(failure.smtpCode).toBe(responseCode);
    expect(failure.response).toBe(response);
  });

  it('a 5xx to RCPT TO is a permanent hard bounce', () => {
    const failure = classifySmtpError(
      nodemailerError({
        code: 'EENVELOPE',
        responseCode: 550,
        command: 'RCPT TO',
        response: '550 5.1.1 User unknown',
      }),
    );
    expect(failure).toMatchObject({ kind: 'permanent', hardBounce: true, smtpCode: 550 });
    expect(failure.message).toBe('SMTP 550 at RCPT TO: 550 5.1.1 User unknown');
  });

  it.each([
    ['MAIL FROM', 'EENVELOPE', 553],
    ['DATA', 'EMESSAGE', 554],
    ['DATA', 'EENVELOPE', 552],
  ])('a 5xx to %s is permanent without being a hard bounce', (command, code, responseCode) => {
    const failure = classifySmtpError(
      nodemailerError({ code, responseCode, command, response: `${responseCode} no` }),
    );
    expect(failure).toMatchObject({ kind: 'permanent', hardBounce: false, smtpCode: responseCode });
  });

  it('a rejected login is retryable: it is our configuration, not the message', () => {
    const failure = classifySmtpError(
      nodemailerError({
        code: 'EAUTH',
        responseCode: 535,
        command: 'AUTH PLAIN',
        response: '535 5.7.8 Authentication credentials invalid',
      }),
    );
    expect(failure).toMatchObject({ kind: 'retryable', smtpCode: 535, hardBounce: false });
  });

  it.each([
    ['ECONNECTION', 'Connection closed unexpectedly'],
    ['ESOCKET', 'connect ECONNREFUSED 127.0.0.1:25'],
    ['ETIMEDOUT', 'Greeting never received'],
    ['EDNS', 'getaddrinfo ENOTFOUND smtp.example.invalid'],
    ['ECONNRESET', 'read ECONNRESET'],
    ['ENOSPC', 'no space left on device'],
  ])('%s without a reply is retryable', (code, message) => {
    const failure = classifySmtpError(nodemailerError({ code, message }));
    expect(failure).toMatchObject({ kind: 'retryable', smtpCode: null, response: message });
  });

  it('a message nodemailer refuses before sending is permanent', () => {
    const failure = classifySmtpError(
      nodemailerError({ code: 'EENVELOPE', command: 'API', message: 'No recipients defined' }),
    );
    expect(failure).toMatchObject({ kind: 'permanent', hardBounce: false, smtpCode: null });
  });

  it('reads the reply code from the reply text when no number came with it', () => {
    const failure = classifySmtpError({ response: '550-5.1.1 User unknown', command: 'RCPT TO' });
    expect(failure).toMatchObject({ kind: 'permanent', hardBounce: true, smtpCode: 550 });
  });

  it('keeps the original error as the cause and passes a SendFailure through', () => {
    const original = nodemailerError({ code: 'ESOCKET' });
    const failure = classifySmtpError(original);
    expect(failure.cause).toBe(original);
    expect(classifySmtpError(failure)).toBe(failure);
  });

  it('turns a thrown non-error into a retryable failure with its text', () => {
    const failure = classifySmtpError('socket hang up');
    expect(failure).toBeInstanceOf(SendFailure);
    expect(failure).toMatchObject({ kind: 'retryable', response: 'socket hang up' });
  });
});
