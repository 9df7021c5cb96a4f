import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ClientResourceKeyGuard } from './client-resource-key.guard';

/**
 * Marks a controller as part of the vendor-compatible Face surface: every
 * handler answers only a client resource's own subscription key, checked
 * first (ClientResourceKeyGuard). Guards a handler adds run after it, with
 * `request.clientResource` set.
 */
export function ClientResourceApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('Face'),
    ApiHeader({ name: 'Ocp-Apim-Subscription-Key', required: true, description: 'The client resource’s own subscription key.' }),
    UseGuards(ClientResourceKeyGuard),
    ApiResponse({ status: 401, description: '401 (SubscriptionKeyMissing, SubscriptionKeyInvalid)' }),
  );
}
