import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Database } from '@latchkey/persistence';
import { registerPlatformReadiness } from './platform-readiness';
import type { ReadinessRegistry } from './readiness.registry';

/** A stand-in for the database, under the real token. */
const database = { ping: jest.fn(async () => undefined) };

@Module({ providers: [{ provide: Database, useValue: database }] })
class FeatureWithDatabase {}

@Module({ imports: [FeatureWithDatabase] })
class WithDatabase {}

@Module({})
class WithoutDatabase {}

describe(registerPlatformReadiness.name, () => {
  const registered = async (root: new () => object) => {
    const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
    const names: string[] = [];
    registerPlatformReadiness(app, { register: (name: string) => void names.push(name) } as unknown as ReadinessRegistry);
    await app.close();
    return names;
  };

  it('checks a database provided anywhere in the app (not only in the root module)', async () => {
    expect(await registered(WithDatabase)).toEqual(['database']);
  });

  it('registers nothing for what the service does not use, without failing', async () => {
    expect(await registered(WithoutDatabase)).toEqual([]);
  });
});
