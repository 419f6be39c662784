import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AppConfigError, loadAppConfig } from '../lib/config.js';
import { RagApiStack } from '../lib/rag-api-stack.js';

/**
 * The CDK app: reads the configuration from context (`-c key=value` or `cdk.json`), builds the
 * stack, and runs cdk-nag's AwsSolutions pack during synthesis (an unacknowledged finding fails
 * `cdk synth`).
 */
const app = new App();
const config = (() => {
  try {
    return loadAppConfig(app.node);
  } catch (error) {
    if (!(error instanceof AppConfigError)) throw error;
    // The problems are the user's settings, not this code: no stack trace around them.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
})();

new RagApiStack(app, config.appName, {
  config,
  description: 'Serverless AI chat and RAG API (HTTP API, streaming URL, SQS ingestion)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
