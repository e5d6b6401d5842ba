import { describe, expect, it } from 'vitest';
import { identityOf, mergeCaption, roomNameOf, sessionIdOfRoom, userIdOfIdentity, type CaptionSegment } from '../../shared/live.js';

describe('caption merge', () => {
  it('grows an interim segment in place and replaces it with the final text', () => {
    let list = mergeCaption<CaptionSegment>([], { segmentId: 's1', text: 'Hel', final: false, startedAt: 't0' });
    list = mergeCaption(list, { segmentId: 's2', text: 'Other', final: false });
    list = mergeCaption(list, { segmentId: 's1', text: 'Hello every', final: false, startedAt: 't1' });
    list = mergeCaption(list, { segmentId: 's1', text: 'Hello everyone.', final: true });
    expect(list.map((s) => [s.segmentId, s.text, s.final])).toEqual([
      ['s1', 'Hello everyone.', true],
      ['s2', 'Other', false],
    ]);
    expect(list[0]!.startedAt).toBe('t0');
  });

  it('never lets a late interim overwrite a final, and does not mutate its input', () => {
    const before: CaptionSegment[] = [{ segmentId: 's1', text: 'Final.', final: true }];
    const after = mergeCaption(before, { segmentId: 's1', text: 'Fin', final: false });
    expect(after).toEqual(before);
    expect(after).not.toBe(before);
    const replaced = mergeCaption(before, { segmentId: 's1', text: 'Final, corrected.', final: true });
    expect(replaced[0]!.text).toBe('Final, corrected.');
    expect(before[0]!.text).toBe('Final.');
  });
});

describe('identities and room names', () => {
  it('round-trip user ids and session ids and reject anything else', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(userIdOfIdentity(identityOf(id))).toBe(id);
    expect(sessionIdOfRoom(roomNameOf(id))).toBe(id);
    expect(userIdOfIdentity('agent-xyz')).toBeNull();
    expect(sessionIdOfRoom('session-../../etc')).toBeNull();
  });
});
