import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { zodBody } from '@latchkey/http';
import { ClientResourceApi } from '../../client-resource/client-resource-api.decorator';
import { FaceOperation } from '../face-operation';
import { FaceMatcher, type IdentifyResult, type SimilarFace, type VerifyResult } from '../matching/face-matcher';
import { FindSimilarBody, parseFindSimilarRequest } from './find-similar.request';
import { IdentifyBody, parseIdentifyRequest } from './identify.request';
import { parseVerifyRequest, VerifyBody } from './verify.request';

/**
 * The vendor's gated Face recognition operations: identify
 * (Face.Identification), verify (Face.Verification) and findsimilars
 * (LimitedAccess.HighRisk; see FACE_OPERATION_FEATURES). Each validates its
 * body as the vendor does (docs/FACE-API.md) and answers from the
 * deterministic matcher.
 */
@ClientResourceApi()
@Controller('face/v1.0')
export class FaceRecognitionController {
  constructor(private readonly matcher: FaceMatcher) {}

  @Post('identify')
  @HttpCode(200)
  @FaceOperation('face.identify')
  @ApiOperation({ summary: 'Identify faces among the persons of a person group (requires Face.Identification)' })
  @ApiBody(zodBody(IdentifyBody))
  @ApiResponse({ status: 200, description: '[{ faceId, candidates: [{ personId, confidence }] }]' })
  @ApiResponse({
    status: 400,
    description: 'BadArgument, PersonGroupIdAndLargePersonGroupIdBothNotNull/BothNull, PersonGroupNotFound, LargePersonGroupNotFound, FaceNotFound',
  })
  identify(@Body() body: unknown): IdentifyResult[] {
    return this.matcher.identify(parseIdentifyRequest(body));
  }

  @Post('verify')
  @HttpCode(200)
  @FaceOperation('face.verify')
  @ApiOperation({ summary: 'Verify that two faces, or a face and an enrolled person, are one person (requires Face.Verification)' })
  @ApiBody(zodBody(VerifyBody))
  @ApiResponse({ status: 200, description: '{ isIdentical, confidence }' })
  @ApiResponse({
    status: 400,
    description: 'BadArgument, PersonGroupIdAndLargePersonGroupIdBothNotNull/BothNull, PersonGroupNotFound, LargePersonGroupNotFound',
  })
  @ApiResponse({ status: 404, description: 'FaceNotFound, PersonNotFound' })
  verify(@Body() body: unknown): VerifyResult {
    return this.matcher.verify(parseVerifyRequest(body));
  }

  @Post('findsimilars')
  @HttpCode(200)
  @FaceOperation('face.findsimilars')
  @ApiOperation({ summary: 'Find faces similar to a face in a face list or among face ids (requires LimitedAccess.HighRisk)' })
  @ApiBody(zodBody(FindSimilarBody))
  @ApiResponse({ status: 200, description: '[{ persistedFaceId, confidence }] for a face list, [{ faceId, confidence }] for face ids' })
  @ApiResponse({ status: 400, description: 'BadArgument, FaceNotFound, FaceListNotFound, LargeFaceListNotFound' })
  findSimilar(@Body() body: unknown): SimilarFace[] {
    return this.matcher.findSimilar(parseFindSimilarRequest(body));
  }
}
