import {
  All,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  Query,
  Req,
  UseGuards,
  type RawBodyRequest,
  type CanActivate,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { LatchkeyError } from '@latchkey/contracts';
import type { FastifyRequest } from 'fastify';
import type { Writable } from 'node:stream';
import { AcceptsForm } from '../src/lib/accepts-form.decorator';
import { createServiceApp, type ServiceHandle } from '../src/lib/create-service-app';
import { ErrorMappingRegistry, type ErrorMappingTable } from '../src/lib/errors/error-mapping.registry';
import { WireFormat } from '../src/lib/errors/wire-format.decorator';
import { ReadinessRegistry } from '../src/lib/health/readiness.registry';

type DemoErrorCode = 'DEMO.NOT_GRANTED' | 'DEMO.TOKEN_REJECTED';

const demoErrors: ErrorMappingTable<DemoErrorCode> = {
  'DEMO.NOT_GRANTED': { status: 403, azureCode: 'Forbidden', oauthError: 'invalid_scope' },
  'DEMO.TOKEN_REJECTED': {
    status: 401,
    azureCode: 'Unauthorized',
    azureInnerCode: 'InvalidLimitedAccessToken',
    message: 'Access denied due to an invalid token.',
  },
};

/** What the inspecting routes answer. */
export interface Inspected {
  readonly kind: string;
  readonly body: unknown;
  readonly raw: string | null;
}

/** Mutable state the specs drive. */
export const demoState = { dependencyUp: false, shutdownDelayMs: 0 };

@Injectable()
class DemoRegistrations implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly errors: ErrorMappingRegistry,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.errors.register(demoErrors);
    this.readiness.register('demo-dependency', () => {
      if (!demoState.dependencyUp) throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, demoState.shutdownDelayMs));
  }
}

class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller('demo')
export class DemoController {
  @Get('ok')
  ok(): { ok: true } {
    return { ok: true };
  }

  /** Answers after `ms` milliseconds: a request still in flight when shutdown starts. */
  @Get('slow')
  async slow(@Query('ms') ms: string): Promise<{ ok: true }> {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { ok: true };
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }

  /** What the route received: `kind` 'none' for no body, else the body's type (a form is an 'object'), and the kept raw bytes. */
  @Post('inspect')
  @HttpCode(200)
  inspect(@Body() body: unknown, @Req() request: RawBodyRequest<FastifyRequest>): Inspected {
    return { kind: body === undefined ? 'none' : typeof body, body: body ?? null, raw: request.rawBody?.toString('utf8') ?? null };
  }

  @Delete('inspect')
  @HttpCode(200)
  inspectDelete(@Body() body: unknown, @Req() request: RawBodyRequest<FastifyRequest>): Inspected {
    return this.inspect(body, request);
  }

  /** The kept raw bytes in base64, so that bytes which are not UTF-8 come back as they were. */
  @Post('raw-base64')
  @HttpCode(200)
  rawBase64(@Req() request: RawBodyRequest<FastifyRequest>): string {
    return request.rawBody?.toString('base64') ?? '';
  }

  /** A route documented to take forms. */
  @Post('form')
  @AcceptsForm()
  @HttpCode(200)
  form(@Body() body: unknown, @Req() request: RawBodyRequest<FastifyRequest>): Inspected {
    return this.inspect(body, request);
  }

  /** Every method, taking forms: Nest registers `@All()` routes apart from the others. */
  @All('any-form')
  @AcceptsForm()
  @HttpCode(200)
  anyForm(@Body() body: unknown, @Req() request: RawBodyRequest<FastifyRequest>): Inspected {
    return this.inspect(body, request);
  }

  @All('any')
  @HttpCode(200)
  any(@Body() body: unknown, @Req() request: RawBodyRequest<FastifyRequest>): Inspected {
    return this.inspect(body, request);
  }

  @Delete('item')
  @HttpCode(204)
  remove(): void {
    // Nothing to delete: the route exists for the body parser's DELETE rule.
  }

  @Get('crash')
  crash(): never {
    throw new Error('db password=hunter2 failed at /srv/app/secret-module.ts');
  }

  @Get('not-granted')
  notGranted(): never {
    throw new LatchkeyError('DEMO.NOT_GRANTED', 'Feature "identify" is not granted to this ISV.');
  }

  /** What node-postgres throws while the database is away (drizzle wraps it, the original as cause). */
  @Get('database-away')
  databaseAway(): never {
    throw new Error('Failed query: select * from isvs where key_hash = $1', {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
    });
  }

  @Get('token-rejected')
  tokenRejected(): never {
    throw new LatchkeyError('DEMO.TOKEN_REJECTED', 'The token has expired.');
  }

  @Get('unmapped')
  unmapped(): never {
    throw new LatchkeyError('DEMO.NOBODY_MAPPED_THIS', 'internal detail');
  }

  @Get('bad-argument')
  badArgument(): never {
    throw new LatchkeyError('HTTP.BAD_REQUEST', 'expiredTime must be between 60 and 86400.');
  }

  @Get('guarded')
  @UseGuards(DenyAll)
  guarded(): string {
    return 'unreachable';
  }

  @WireFormat('oauth')
  @Post('oauth-style')
  oauthStyle(@Body() body: unknown): unknown {
    return body;
  }
}

@WireFormat('oauth')
@Controller('token')
export class TokenController {
  @Post()
  @AcceptsForm()
  token(@Body() body: unknown): unknown {
    return body;
  }

  @Get('not-granted')
  notGranted(): never {
    throw new LatchkeyError('DEMO.NOT_GRANTED', 'Scope "admin" is not allowed.');
  }

  @WireFormat('azure')
  @Get('azure-override')
  azureOverride(): never {
    throw new LatchkeyError('DEMO.NOT_GRANTED', 'Not granted.');
  }
}

@Controller('oauth2')
export class OAuthPrefixController {
  @Get('crash')
  crash(): never {
    throw new Error('secret internals');
  }

  @Get('database-away')
  databaseAway(): never {
    throw Object.assign(new Error('Connection terminated unexpectedly'), {});
  }
}

@Module({ controllers: [DemoController, TokenController, OAuthPrefixController], providers: [DemoRegistrations] })
export class DemoModule {}

/** A pino destination that keeps every JSON line. */
export class MemoryLog {
  readonly lines: Record<string, unknown>[] = [];
  readonly stream = {
    write: (line: string): void => {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  } as unknown as Writable;

  get text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}

export async function startDemo(overrides: { bodyLimitBytes?: number; shutdownTimeoutMs?: number } = {}): Promise<{
  handle: ServiceHandle;
  log: MemoryLog;
}> {
  const log = new MemoryLog();
  const handle = await createServiceApp({
    name: 'demo',
    module: DemoModule,
    host: '127.0.0.1',
    port: 0,
    env: { LOG_LEVEL: 'debug' },
    logStream: log.stream,
    readinessCheckTimeoutMs: 100,
    ...overrides,
  });
  return { handle, log };
}
