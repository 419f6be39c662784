import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/config.js';
import { RagApiStack } from '../../lib/rag-api-stack.js';
import { cdkJsonContext } from '../support/cdk-json-context.js';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
}

/** The template `cdk deploy` ships with this context (no bundling), over cdk.json's own. */
const synthesize = (context: Record<string, unknown>): Record<string, CfnResource> => {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      qdrantUrl: 'https://qdrant.example.com',
      ...context,
    },
  });
  const stack = new RagApiStack(app, 'BucketsStack', { config: loadAppConfig(app.node) });
  return Template.fromStack(stack).toJSON().Resources as Record<string, CfnResource>;
};

describe('RagApiStack buckets', () => {
  it('with retainData=false, empties every bucket it deletes, so the stack can be deleted', () => {
    // Arrange: README "retainData: keep the table, bucket and logs when the stack is deleted";
    // false is meant to delete them. CloudFormation cannot delete a bucket that holds objects
    // (BucketNotEmpty), and the raw bucket is versioned and the access-log bucket fills by itself.
    const resources = synthesize({ retainData: 'false' });
    const buckets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket');
    const autoDeleted = new Set(
      Object.values(resources)
        .filter((r) => r.Type === 'Custom::S3AutoDeleteObjects')
        .map((r) => (r.Properties.BucketName as { Ref?: string }).Ref),
    );

    // Act
    const deletedButNotEmptied = buckets
      .filter(([, bucket]) => bucket.DeletionPolicy === 'Delete')
      .map(([id]) => id)
      .filter((id) => !autoDeleted.has(id));

    // Assert
    expect(buckets.map(([, bucket]) => bucket.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    expect(deletedButNotEmptied).toEqual([]);
  });

  it('lets the configured browser origins PUT a presigned upload to the raw bucket (S3 CORS), as the local S3 endpoint does', () => {
    // Arrange: POST /v1/uploads hands out a presigned PUT with a signed content-type and
    // if-none-match; from a browser that PUT is preflighted. dev/serve-blob-uploads.ts answers the preflight for
    // CORS_ORIGINS; S3 answers it only from a bucket CORS configuration.
    const origins = ['https://app.example.com', 'https://admin.example.com'];
    const resources = synthesize({ corsOrigins: origins.join(',') });
    const [, rawBucket] = Object.entries(resources).find(
      ([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('IngestionRawDocumentsBucket'),
    )!;

    // Act
    const rules =
      (
        rawBucket.Properties.CorsConfiguration as
          | {
              CorsRules: {
                AllowedMethods: string[];
                AllowedOrigins: string[];
                AllowedHeaders?: string[];
              }[];
            }
          | undefined
      )?.CorsRules ?? [];
    const putRule = rules.find((rule) => rule.AllowedMethods.includes('PUT'));

    // Assert
    expect(putRule, 'no CORS rule allows PUT on the raw bucket').toBeDefined();
    for (const origin of origins) {
      expect(
        putRule!.AllowedOrigins.includes(origin) || putRule!.AllowedOrigins.includes('*'),
      ).toBe(true);
    }
    const allowed = (putRule!.AllowedHeaders ?? []).map((header) => header.toLowerCase());
    for (const header of ['content-type', 'if-none-match']) {
      expect(allowed.includes(header) || allowed.includes('*'), header).toBe(true);
    }
  });
});
