/** RESULTS_URL names a directory or an S3 bucket and prefix; anything else is refused before use. */
import { parseResultsUrl, ResultsUrlError } from '../../src/results/s3/location';

describe('parseResultsUrl', () => {
  test.each([
    ['./data/results', { kind: 'local', dir: './data/results' }],
    ['/var/lib/obc', { kind: 'local', dir: '/var/lib/obc' }],
    ['file:///var/lib/obc%20results', { kind: 'local', dir: '/var/lib/obc results' }],
    ['s3://my-bucket', { kind: 's3', bucket: 'my-bucket', prefix: '' }],
    ['s3://my-bucket/', { kind: 's3', bucket: 'my-bucket', prefix: '' }],
    ['s3://my.bucket/team/results/', { kind: 's3', bucket: 'my.bucket', prefix: 'team/results' }],
  ])('%s', (url, expected) => {
    expect(parseResultsUrl(url)).toEqual(expected);
  });

  test.each([
    ['s3://My_Bucket/x', /not a valid bucket name/],
    ['s3://ab', /not a valid bucket name/],
    ['s3://192.168.0.1/x', /not a valid bucket name/],
    ['s3://bucket/../escape', /prefix segment "\.\." is not allowed/],
    ['s3://bucket/a/./b', /prefix segment "\." is not allowed/],
    ['s3://bucket/a b', /prefix segment "a b" is not allowed/],
    ['gs://bucket/x', /unknown scheme/],
    ['file://host/share', /no host/],
    ['', /empty/],
  ])('refuses %s', (url, message) => {
    expect(() => parseResultsUrl(url)).toThrow(ResultsUrlError);
    expect(() => parseResultsUrl(url)).toThrow(message);
  });
});
