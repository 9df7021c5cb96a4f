import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { FEATURE_FLAGS, Operation } from '@latchkey/contracts';
import { FaceDetectionController } from './detection/face-detection.controller';
import { FACE_OPERATION_FEATURES, faceOperationOf, requiredFeature, type FaceOperationName } from './face-operation';
import { FaceRecognitionController } from './recognition/face-recognition.controller';

function operationOfHandler(handler: (...args: never[]) => unknown): FaceOperationName | undefined {
  const context = { getHandler: () => handler } as unknown as ExecutionContext;
  return faceOperationOf(new Reflector(), context);
}

describe('FACE_OPERATION_FEATURES', () => {
  it('names every operation in the format events carry', () => {
    for (const operation of Object.keys(FACE_OPERATION_FEATURES)) expect(Operation.safeParse(operation).success).toBe(true);
  });

  it('gates identify, verify and findsimilars by one feature each, and not detect', () => {
    expect(FACE_OPERATION_FEATURES).toEqual({
      'face.detect': null,
      'face.identify': 'Face.Identification',
      'face.verify': 'Face.Verification',
      'face.findsimilars': 'LimitedAccess.HighRisk',
    });
    expect(new Set(Object.values(FACE_OPERATION_FEATURES).filter((f) => f !== null))).toEqual(new Set(FEATURE_FLAGS));
    expect(requiredFeature('face.findsimilars')).toBe('LimitedAccess.HighRisk');
  });

  it('tags each Face handler with its operation', () => {
    const recognition = FaceRecognitionController.prototype;
    expect(operationOfHandler(FaceDetectionController.prototype.detect)).toBe('face.detect');
    expect(operationOfHandler(recognition.identify)).toBe('face.identify');
    expect(operationOfHandler(recognition.verify)).toBe('face.verify');
    expect(operationOfHandler(recognition.findSimilar)).toBe('face.findsimilars');
  });
});
