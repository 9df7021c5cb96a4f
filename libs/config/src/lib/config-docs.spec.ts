import { z } from 'zod';
import { defineConfigSlice } from './config-slice';
import { envEnum, envPort, envString } from './config-fields';
import { renderConfigDocs } from './config-docs';
import { platformConfig } from './platform.config';

describe(renderConfigDocs.name, () => {
  const slice = defineConfigSlice('demo', {
    LATCHKEY_DEMO_PORT: envPort().default(3000).describe('Port to listen on.'),
    LATCHKEY_DEMO_MODE: envEnum(['fast', 'safe']).optional().describe('Mode | with a pipe.'),
    LATCHKEY_DEMO_NAME: envString().describe('Required name.'),
    LATCHKEY_DEMO_RAW: z.number().describe('A plain zod field.'),
  });

  it('renders one markdown row per variable with format, default, description and slice', () => {
    expect(renderConfigDocs([slice]).split('\n')).toEqual([
      '| Variable | Type / format | Default | Description | Slice |',
      '| --- | --- | --- | --- | --- |',
      '| `LATCHKEY_DEMO_PORT` | port (0–65535) | `3000` | Port to listen on. | demo |',
      '| `LATCHKEY_DEMO_MODE` | fast \\| safe | *unset* | Mode \\| with a pipe. | demo |',
      '| `LATCHKEY_DEMO_NAME` | string | *required* | Required name. | demo |',
      '| `LATCHKEY_DEMO_RAW` | number | *required* | A plain zod field. | demo |',
      '',
    ]);
  });

  it('documents every platform variable', () => {
    const docs = renderConfigDocs([platformConfig]);
    for (const variable of Object.keys(platformConfig.shape)) expect(docs).toContain(`| \`${variable}\` |`);
    expect(docs).toContain('| `LOG_LEVEL` | fatal \\| error \\| warn \\| info \\| debug \\| trace \\| silent | `info` |');
  });

  it('refuses a variable declared by two slices', () => {
    const twin = defineConfigSlice('twin', { LATCHKEY_DEMO_NAME: envString().describe('Again.') });
    expect(() => renderConfigDocs([slice, twin])).toThrow(/declared by both the "demo" and "twin"/);
  });
});
