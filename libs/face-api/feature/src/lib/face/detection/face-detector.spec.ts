import fc from 'fast-check';
import { isDetectedFaceId } from '../matching/face-id';
import { FaceDetector } from './face-detector';

describe(FaceDetector.name, () => {
  const detector = new FaceDetector();

  it('finds 1 to 3 faces with distinct detected ids, largest first, the same every time', () => {
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        const faces = detector.detect(url);
        expect(faces.length).toBeGreaterThanOrEqual(1);
        expect(faces.length).toBeLessThanOrEqual(3);
        expect(new Set(faces.map((f) => f.faceId)).size).toBe(faces.length);
        for (const face of faces) expect(isDetectedFaceId(face.faceId)).toBe(true);
        const areas = faces.map((f) => f.faceRectangle.width * f.faceRectangle.height);
        expect(areas).toEqual([...areas].sort((a, b) => b - a));
        expect(detector.detect(url)).toEqual(faces);
      }),
    );
  });

  it('answers rectangles of whole, positive pixels', () => {
    for (const face of detector.detect('https://example.com/group-photo.jpg')) {
      const { top, left, width, height } = face.faceRectangle;
      for (const value of [top, left, width, height]) expect(Number.isInteger(value) && value >= 0).toBe(true);
      expect(width).toBeGreaterThan(0);
      expect(height).toBeGreaterThan(width);
    }
  });
});
