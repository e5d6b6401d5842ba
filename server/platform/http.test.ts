import { describe, expect, it } from 'vitest';
import { parse } from 'content-disposition';
import { disposition } from './http.js';

describe('the name a downloaded file is saved under (Content-Disposition)', () => {
  it('is the plain name when it is plain ASCII', () => {
    expect(disposition('bookings-oak-2026-02-01.csv')).toBe('attachment; filename=bookings-oak-2026-02-01.csv');
    expect(disposition('calendar.ics', 'inline')).toBe('inline; filename=calendar.ics');
  });

  it('keeps any other name whole in UTF-8, with an ASCII name beside it for old clients', () => {
    const header = disposition('Zones – régulation (1).pptx');
    expect(header).toBe(`attachment; filename="Zones _ r_gulation (1).pptx"; filename*=UTF-8''Zones%20%E2%80%93%20r%C3%A9gulation%20%281%29.pptx`);
    expect(parse(header).parameters.filename).toBe('Zones – régulation (1).pptx');
  });

  it('never lets a percent sign be read as an escape, nor a quote or line break end the header', () => {
    expect(disposition('caf%C3%A9.csv')).toBe(`attachment; filename=caf_C3_A9.csv; filename*=UTF-8''caf%25C3%25A9.csv`);
    for (const name of ['a"b\\c.csv', 'a\r\nSet-Cookie: x=1.csv', '100%.csv']) {
      const header = disposition(name);
      expect(header).not.toMatch(/[\r\n]/);
      expect(parse(header).parameters.filename).toBe(name);
    }
  });
});
