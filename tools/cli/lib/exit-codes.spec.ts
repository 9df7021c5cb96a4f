import { EXIT, exitCodeForStatus } from './exit-codes';

describe('exitCodeForStatus', () => {
  it.each([
    [401, EXIT.REFUSED],
    [403, EXIT.REFUSED],
    [404, EXIT.NOT_FOUND],
    [400, EXIT.REJECTED],
    [409, EXIT.REJECTED],
    [429, EXIT.REJECTED],
    [500, EXIT.SERVER_ERROR],
    [503, EXIT.SERVER_ERROR],
  ])('maps %i to %i', (status, code) => expect(exitCodeForStatus(status)).toBe(code));

  it('keeps the codes audit verify always had, and every code distinct', () => {
    expect([EXIT.OK, EXIT.CHECK_FAILED, EXIT.COULD_NOT_RUN]).toEqual([0, 1, 2]);
    expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length);
  });
});
