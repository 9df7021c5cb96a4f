import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { detectedFaceId, GUID_PATTERN, isDetectedFaceId } from './face-id';

describe(detectedFaceId.name, () => {
  it('derives the same id from the same url and index, and different ids otherwise', () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.webUrl(), fc.nat(2), fc.nat(2), (a, b, i, j) => {
        expect(detectedFaceId(a, i)).toBe(detectedFaceId(a, i));
        if (a !== b || i !== j) expect(detectedFaceId(a, i)).not.toBe(detectedFaceId(b, j));
      }),
    );
  });

  it('is a lower-case RFC 9562 version 8 (custom) GUID', () => {
    const id = detectedFaceId('https://example.com/face.jpg', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(GUID_PATTERN.test(id)).toBe(true);
  });

  it('does not confuse a url ending in a digit with the index (the index comes first)', () => {
    expect(detectedFaceId('https://example.com/a1', 0)).not.toBe(detectedFaceId('https://example.com/a', 10));
  });
});

describe(isDetectedFaceId.name, () => {
  it('recognises every id detect derives, in any case', () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.nat(2), (url, index) => {
        const id = detectedFaceId(url, index);
        expect(isDetectedFaceId(id)).toBe(true);
        expect(isDetectedFaceId(id.toUpperCase())).toBe(true);
      }),
    );
  });

  it('refuses GUIDs detect did not derive (random, or one with a digit changed)', () => {
    for (let i = 0; i < 200; i++) expect(isDetectedFaceId(randomUUID())).toBe(false);
    const id = detectedFaceId('https://example.com/face.jpg', 1);
    const tampered = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
    expect(isDetectedFaceId(tampered)).toBe(false);
  });

  it.each(['', 'not-a-guid', '00000000-0000-0000-0000-00000000000', '{00000000-0000-0000-0000-000000000000}'])('refuses %j', (value) => {
    expect(isDetectedFaceId(value)).toBe(false);
  });
});
