import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { detectedFaceId } from '../matching/face-id';

/** A face as the vendor's detect returns it (without the optional attributes and landmarks). */
export interface DetectedFace {
  readonly faceId: string;
  readonly faceRectangle: { readonly top: number; readonly left: number; readonly width: number; readonly height: number };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The deterministic stand-in for face detection: one to three faces per
 * image URL, each with a stable faceId (see detectedFaceId) and rectangle,
 * ordered by size as the vendor orders them (largest first). The same URL
 * gives the same faces on every instance, forever; unlike the vendor's,
 * our face ids do not expire after 24 hours.
 */
@Injectable()
export class FaceDetector {
  detect(url: string): DetectedFace[] {
    const count = 1 + (digest(`latchkey-face-count:${url}`)[0] % 3);
    const faces = Array.from({ length: count }, (_, index) => ({ faceId: detectedFaceId(url, index), faceRectangle: rectangle(url, index) }));
    return faces.sort((a, b) => area(b) - area(a) || (a.faceId < b.faceId ? -1 : 1));
  }
}

function rectangle(url: string, index: number): DetectedFace['faceRectangle'] {
  const bytes = digest(`latchkey-face-rectangle:${index}:${url}`);
  const width = 60 + (bytes.readUInt16BE(0) % 240);
  return {
    top: bytes.readUInt16BE(2) % 800,
    left: bytes.readUInt16BE(4) % 1200,
    width,
    height: Math.round(width * (1.1 + (bytes[6] % 30) / 100)),
  };
}

function area(face: DetectedFace): number {
  return face.faceRectangle.width * face.faceRectangle.height;
}
