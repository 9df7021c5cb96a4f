import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';

export const OPENAPI_UI_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/docs/json';

/** Files of swagger-ui-dist served under /docs, with their content types. */
const UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

/** The folder of swagger-ui-dist's files (its absolute-path module, without loading the 1.5 MB UI bundle into the process). */
function swaggerUiAssetsDir(): string {
  // A CommonJS module without types; node_modules stay external in the bundles, so this require runs at run time.
  const getAbsoluteFSPath = require('swagger-ui-dist/absolute-path.js') as () => string;
  return getAbsoluteFSPath();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serves the OpenAPI document at /docs/json and Swagger UI at /docs, titled
 * `Latchkey <name>`. The UI assets come from the local swagger-ui-dist
 * (no CDN, and no @fastify/static, which @nestjs/swagger's own UI needs).
 * Must run before the app listens.
 */
export function setupOpenApi(app: NestFastifyApplication, name: string): void {
  const title = `Latchkey ${name}`;
  // One generic `bearer` scheme (HTTP bearer) for `@ApiBearerAuth()`: the operator key today, platform tokens later.
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(title).setVersion('1.0').addBearerAuth().build());
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, { ui: false, raw: ['json'], jsonDocumentUrl: OPENAPI_JSON_PATH });

  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  // Asked of swagger-ui-dist itself: webpack rewrites `require.resolve` into a module id in the service bundles.
  const assetsDir = swaggerUiAssetsDir();
  const cache = new Map<string, Buffer>();
  for (const [file, contentType] of Object.entries(UI_ASSETS)) {
    fastify.get(`${OPENAPI_UI_PATH}/${file}`, async (_request, reply) => {
      let content = cache.get(file);
      if (content === undefined) {
        content = readFileSync(join(assetsDir, file));
        cache.set(file, content);
      }
      return reply.type(contentType).send(content);
    });
  }
  fastify.get(`${OPENAPI_UI_PATH}/swagger-init.js`, async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .send(`window.ui = SwaggerUIBundle({ url: '${OPENAPI_JSON_PATH}', dom_id: '#swagger-ui' });\n`),
  );
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`,
    `<link rel="stylesheet" href="${OPENAPI_UI_PATH}/swagger-ui.css"></head>`,
    `<body><div id="swagger-ui"></div><script src="${OPENAPI_UI_PATH}/swagger-ui-bundle.js"></script>`,
    `<script src="${OPENAPI_UI_PATH}/swagger-init.js"></script></body></html>`,
  ].join('\n');
  fastify.get(OPENAPI_UI_PATH, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
}
