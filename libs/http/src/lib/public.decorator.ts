import { SetMetadata } from '@nestjs/common';

/** Metadata key read by the global auth guard: routes carrying it skip authentication. */
export const IS_PUBLIC_KEY = 'latchkey:isPublic';

/** Marks a handler or controller as intentionally unauthenticated (health, JWKS, docs). */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC_KEY, true);
