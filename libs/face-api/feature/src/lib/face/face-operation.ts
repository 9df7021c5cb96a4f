import { applyDecorators, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { RequiresFeature } from '@latchkey/access-guards';
import type { FeatureFlag } from '@latchkey/contracts';

/**
 * The feature each Face operation requires of a limited access token, by
 * operation name (`Operation` of the contracts: dotted lower case, the name
 * `lat.used` / `lat.rejected` carry). `null`: not gated, the subscription
 * key alone suffices. findsimilars stands for the vendor's high-risk
 * operations (LimitedAccess.HighRisk): it searches a face across a gallery
 * rather than checking one claimed identity.
 */
export const FACE_OPERATION_FEATURES = {
  'face.detect': null,
  'face.identify': 'Face.Identification',
  'face.verify': 'Face.Verification',
  'face.findsimilars': 'LimitedAccess.HighRisk',
} as const satisfies Readonly<Record<string, FeatureFlag | null>>;

/** One of the Face operations. */
export type FaceOperationName = keyof typeof FACE_OPERATION_FEATURES;

/** The feature a token needs for `operation`, or null when it is not gated. */
export function requiredFeature(operation: FaceOperationName): FeatureFlag | null {
  return FACE_OPERATION_FEATURES[operation];
}

/** Metadata key of {@link FaceOperation}. */
export const FACE_OPERATION_KEY = 'latchkey:face-operation';

/**
 * Names the Face operation a handler serves and, when the operation is
 * gated, puts the LimitedAccessToken guard in front of it for its feature
 * (FACE_OPERATION_FEATURES is the one place that says which).
 */
export function FaceOperation(operation: FaceOperationName): MethodDecorator {
  const feature = requiredFeature(operation);
  const named = SetMetadata(FACE_OPERATION_KEY, operation);
  return feature === null ? named : applyDecorators(named, RequiresFeature(feature, operation));
}

/** The operation of the handler `context` is about to run, if it is a Face operation. */
export function faceOperationOf(reflector: Reflector, context: ExecutionContext): FaceOperationName | undefined {
  return reflector.get<FaceOperationName | undefined>(FACE_OPERATION_KEY, context.getHandler());
}
