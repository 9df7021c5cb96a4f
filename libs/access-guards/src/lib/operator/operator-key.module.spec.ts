import { Test } from '@nestjs/testing';
import { defineConfigSlice, envString } from '@latchkey/config';
import { envOperatorKey } from './operator-key';
import { OperatorKeyModule } from './operator-key.module';
import { OPERATOR_KEY_OPTIONS, type OperatorKeyOptions } from './operator-key.options';

const slice = defineConfigSlice('operator-module-test', {
  LATCHKEY_OPERATOR_MODULE_TEST_OPERATOR_KEY: envOperatorKey().describe('The operator key of the test service.'),
  LATCHKEY_OPERATOR_MODULE_TEST_NAME: envString().default('x').describe('Unrelated.'),
});
const CODES = { unauthenticated: 'T.UNAUTHENTICATED', invalid: 'T.INVALID', disabled: 'T.DISABLED' };

describe(OperatorKeyModule.name, () => {
  const environment = { ...process.env };

  afterEach(() => {
    process.env = { ...environment };
  });

  async function optionsWith(env: Record<string, string>): Promise<OperatorKeyOptions> {
    Object.assign(process.env, { DATABASE_URL: 'postgres://unused.invalid/latchkey', ...env });
    const module = await Test.createTestingModule({
      imports: [OperatorKeyModule.forService({ service: 'test', slice, variable: 'LATCHKEY_OPERATOR_MODULE_TEST_OPERATOR_KEY', codes: CODES })],
    }).compile();
    return module.get<OperatorKeyOptions>(OPERATOR_KEY_OPTIONS);
  }

  it("reads the key from the service's own slice variable", async () => {
    const key = 'k'.repeat(40);
    expect(await optionsWith({ LATCHKEY_OPERATOR_MODULE_TEST_OPERATOR_KEY: key })).toEqual({
      service: 'test',
      variable: 'LATCHKEY_OPERATOR_MODULE_TEST_OPERATOR_KEY',
      configured: key,
      codes: CODES,
    });
  });

  it('leaves the key unset when the variable is unset', async () => {
    delete process.env['LATCHKEY_OPERATOR_MODULE_TEST_OPERATOR_KEY'];
    expect((await optionsWith({})).configured).toBeUndefined();
  });
});
