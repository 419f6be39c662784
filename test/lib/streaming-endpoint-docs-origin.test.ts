import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/config.js';
import { RagApiStack } from '../../lib/rag-api-stack.js';
import { cdkJsonContext } from '../support/cdk-json-context.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/**
 * The deployed docs page is served by the HTTP API (`GET /docs`), so its origin is the API's
 * own `https://<api-id>.execute-api.<region>.amazonaws.com`; Swagger's "Try it out" on the
 * streaming operations (`POST /`, `GET /{chatId}/stream`, `POST /{chatId}/stop`, each with the
 * function URL as its server) is a cross-origin call from that page to the function URL.
 */
describe('the deployed docs page calling the streaming function URL', () => {
  it("is an origin the function URL's CORS configuration allows", () => {
    const app = new App({
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        qdrantUrl: 'https://qdrant.example.com',
        corsOrigins: 'https://app.example.com',
      },
    });
    const stack = new RagApiStack(app, 'DocsCorsStack', { config: loadAppConfig(app.node) });
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const apiId = Object.entries(resources).find(
      ([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Api',
    )?.[0];
    const url = Object.values(resources).find((resource) => resource.Type === 'AWS::Lambda::Url');
    const allowed =
      (url?.Properties.Cors as { AllowOrigins?: unknown[] } | undefined)?.AllowOrigins ?? [];

    expect(apiId).toBeDefined();
    // Either a literal origin or one built from the API's id: anything that names the API.
    expect(JSON.stringify(allowed)).toContain(apiId);
  });
});
