import { SHED_INNER_CODE, shedResponse } from './shed-response';

describe(shedResponse.name, () => {
  it('answers 503 in the Azure shape with x-ms-error-code and Retry-After', () => {
    const response = shedResponse('azure', 3);
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      error: {
        code: 'ServiceUnavailable',
        message: expect.stringContaining('Retry-After') as unknown,
        innererror: { code: SHED_INNER_CODE, message: expect.any(String) as unknown },
      },
    });
    expect(response.headers).toMatchObject({ 'retry-after': '3', 'x-ms-error-code': 'ServiceUnavailable', 'cache-control': 'no-store' });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers OAuth routes with temporarily_unavailable and no Azure header', () => {
    const response = shedResponse('oauth', 1);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers).not.toHaveProperty('x-ms-error-code');
  });
});
