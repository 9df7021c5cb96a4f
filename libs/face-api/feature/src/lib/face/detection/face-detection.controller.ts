import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { zodBody } from '@latchkey/http';
import { ClientResourceApi } from '../../client-resource/client-resource-api.decorator';
import { FaceOperation } from '../face-operation';
import { DetectBody, parseDetectRequest } from './detect.request';
import { FaceDetector, type DetectedFace } from './face-detector';

/**
 * The vendor's Face - Detect, with a JSON body (`{"url": …}`). Not gated:
 * the client resource's key suffices, as with the vendor (face ids feed the
 * gated operations, which check the token). Query parameters the vendor
 * takes (detectionModel, recognitionModel, returnFaceId, …) are accepted and
 * ignored: every face carries its faceId and rectangle.
 */
@ClientResourceApi()
@Controller('face/v1.0')
export class FaceDetectionController {
  constructor(private readonly detector: FaceDetector) {}

  @Post('detect')
  @HttpCode(200)
  @FaceOperation('face.detect')
  @ApiOperation({ summary: 'Detect the faces in an image (deterministic stand-in: 1 to 3 faces derived from the URL, never fetched)' })
  @ApiBody(zodBody(DetectBody))
  @ApiResponse({ status: 200, description: '[{ faceId, faceRectangle: { top, left, width, height } }], largest face first' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidRequestBody) or InvalidURL (InvalidImageUrl)' })
  detect(@Body() body: unknown): DetectedFace[] {
    return this.detector.detect(parseDetectRequest(body).url);
  }
}
