import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../../db/repositories/reader.repository.js';
import { findTopicBySlug } from '../../../db/repositories/topic.repository.js';
import { InputError } from '../../../src/services/input-error.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { addTopic, changeTopic } from '../../../src/services/topics/topics.service.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/** Clear the screen, set the terminal's title, then a line break: what must never be stored. */
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007Ann\r\nLee\u0085';

describe.each(DIALECTS)('names are cleaned at the door (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t.close());

  it("stores a reader's name on one line without control characters", async () => {
    await saveReader(t.app, {
      email: 'ann@corp.example',
      name: HOSTILE,
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    expect((await findReaderByEmail(t.app.db, 'ann@corp.example'))?.name).toBe('Ann Lee');
  });

  it('stores a name of nothing but controls as no name', async () => {
    await saveReader(t.app, {
      email: 'bo@corp.example',
      name: '\u001b[0m\r\n',
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    expect((await findReaderByEmail(t.app.db, 'bo@corp.example'))?.name).toBeNull();
  });

  it("stores a topic's name clean, on add and on change, and refuses a blank one", async () => {
    await addTopic(t.app, { slug: 'customs', name: `Customs ${HOSTILE}`, query: 'customs' });
    expect((await findTopicBySlug(t.app.db, 'customs'))?.name).toBe('Customs Ann Lee');
    await changeTopic(t.app, 'customs', { name: '\u009b31mCustoms\tand trade' });
    expect((await findTopicBySlug(t.app.db, 'customs'))?.name).toBe('Customs\tand trade');
    await expect(changeTopic(t.app, 'customs', { name: '\u0007 ' })).rejects.toBeInstanceOf(
      InputError,
    );
    expect((await findTopicBySlug(t.app.db, 'customs'))?.name).toBe('Customs\tand trade');
  });
});
