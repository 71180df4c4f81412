import type { Reader } from '../../domain/reader.js';
import { formField } from '../preferences-form.js';
import { Checkbox, type FormState } from './form-controls.js';

/** "Offers": marketing consent, part of the form that saves. */
export function OffersSection({ reader, form }: { reader: Reader; form: FormState }) {
  return (
    <>
      <h2>Offers</h2>
      <Checkbox
        name={formField.marketing}
        label="Send me offers and trial invitations"
        checked={form.checked(formField.marketing, reader.marketingConsent)}
      />
    </>
  );
}

/** "Stop everything": a form of its own, so unsubscribing never saves the other fields. */
export function UnsubscribeAllSection() {
  return (
    <>
      <h2>Stop everything</h2>
      <form method="post">
        <input type="hidden" name="action" value="unsubscribe" />
        <button type="submit" className="secondary">
          Unsubscribe from all emails
        </button>
      </form>
    </>
  );
}
