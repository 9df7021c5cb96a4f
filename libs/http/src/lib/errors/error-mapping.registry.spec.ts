import { ErrorMappingRegistry } from './error-mapping.registry';

describe(ErrorMappingRegistry.name, () => {
  it('returns the mapping registered for a code', () => {
    const registry = new ErrorMappingRegistry();
    registry.register({ 'ISSUER.ISV_REVOKED': { status: 403, azureCode: 'Forbidden' } });
    expect(registry.lookup('ISSUER.ISV_REVOKED')).toEqual({ status: 403, azureCode: 'Forbidden' });
    expect(registry.lookup('ISSUER.OTHER')).toBeUndefined();
  });

  it('refuses to map a code twice', () => {
    const registry = new ErrorMappingRegistry();
    registry.register({ 'A.B': { status: 400, azureCode: 'BadArgument' } });
    expect(() => registry.register({ 'A.B': { status: 409, azureCode: 'Conflict' } })).toThrow(/already mapped/);
  });

  it('refuses to remap a libs/http code', () => {
    expect(() => new ErrorMappingRegistry().register({ 'HTTP.NOT_FOUND': { status: 404, azureCode: 'Gone' } })).toThrow(
      /cannot be remapped/,
    );
  });

  it('refuses a status that is not an error status, registering nothing of the table', () => {
    const registry = new ErrorMappingRegistry();
    expect(() =>
      registry.register({ 'A.OK': { status: 400, azureCode: 'BadArgument' }, 'A.B': { status: 200, azureCode: 'Ok' } }),
    ).toThrow(/400–599/);
    expect(registry.lookup('A.OK')).toBeUndefined();
  });
});
