import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { defineConfigSlice, type ConfigOf } from './config-slice';
import { envInteger } from './config-fields';
import { ConfigError } from './config-error';
import { ConfigSliceModule, InjectConfig, configToken, registeredConfigSlices } from './config-slice.module';

const widgetConfig = defineConfigSlice('widget', {
  LATCHKEY_WIDGET_SIZE: envInteger({ min: 1 }).default(2).describe('Widget size.'),
});

@Injectable()
class WidgetService {
  constructor(@InjectConfig(widgetConfig) readonly config: ConfigOf<typeof widgetConfig>) {}
}

function widgetModule(env: Record<string, string>) {
  @Module({ imports: [ConfigSliceModule.forSlice(widgetConfig, { env })], providers: [WidgetService] })
  class WidgetModule {}
  return WidgetModule;
}

describe(ConfigSliceModule.name, () => {
  it('injects the loaded, typed slice with @InjectConfig', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [widgetModule({ LATCHKEY_WIDGET_SIZE: '5' })] }).compile();
    expect(moduleRef.get(WidgetService).config.LATCHKEY_WIDGET_SIZE).toBe(5);
    expect(moduleRef.get(configToken(widgetConfig))).toEqual({ LATCHKEY_WIDGET_SIZE: 5 });
  });

  it('fails module creation with a ConfigError when the slice is invalid', async () => {
    await expect(
      Test.createTestingModule({ imports: [widgetModule({ LATCHKEY_WIDGET_SIZE: '0' })] }).compile(),
    ).rejects.toThrow(ConfigError);
  });

  it('records the slice so the bootstrap can validate it up front', () => {
    expect(registeredConfigSlices()).toContain(widgetConfig);
  });
});
