/** One classification of object-storage failures: what heals by retrying, and what to fix otherwise. */
import { classifyS3Error } from '../../src/results/s3/errors';

const aws = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, Code: name, $metadata: { httpStatusCode: status }, ...extra });

describe('classifyS3Error', () => {
  test.each([
    ['SlowDown 503', aws('SlowDown', 503), true],
    ['ServiceUnavailable 503', aws('ServiceUnavailable', 503), true],
    ['InternalError 500', aws('InternalError', 500), true],
    ['RequestTimeout 400', aws('RequestTimeout', 400), true],
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['NoSuchBucket 404', aws('NoSuchBucket', 404), false],
    ['AccessDenied 403', aws('AccessDenied', 403), false],
    ['InvalidAccessKeyId 403', aws('InvalidAccessKeyId', 403), false],
    ['PermanentRedirect 301', aws('PermanentRedirect', 301), false],
    ['AuthorizationHeaderMalformed 400', aws('AuthorizationHeaderMalformed', 400), false],
    ['MethodNotAllowed 405', aws('MethodNotAllowed', 405), false],
    ['no region', new Error('Region is missing'), false],
    ['no credentials', aws('CredentialsProviderError'), false],
  ])('%s', (_name, err, transient) => {
    const classified = classifyS3Error(err, 'write', 'bkt', 'p/batch_x/output.jsonl');
    expect(classified.transient).toBe(transient);
    expect(classified.message).toMatch(/^write s3:\/\/bkt\/p\/batch_x\/output\.jsonl failed: /);
  });

  test('each permanent failure says what to fix', () => {
    expect(classifyS3Error(aws('AccessDenied', 403), 'write', 'bkt').message).toMatch(
      /give the worker s3:PutObject/,
    );
    expect(classifyS3Error(aws('PermanentRedirect', 301), 'write', 'bkt').message).toMatch(/set AWS_REGION/);
    expect(classifyS3Error(new Error('Region is missing'), 'write', 'bkt').message).toMatch(/set AWS_REGION/);
    // A 403 with a code of its own is still access denied.
    expect(classifyS3Error(aws('AllAccessDisabled', 403), 'write', 'bkt')).toMatchObject({
      transient: false,
    });
    expect(classifyS3Error(aws('AllAccessDisabled', 403), 'write', 'bkt').message).toMatch(/access denied/);
  });
});
