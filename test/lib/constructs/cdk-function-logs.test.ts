import { describe, expect, it } from 'vitest';
import { synthStack } from '../../support/synth-stack.js';

type Ref = { Ref: string };

describe('CdkFunctionLogs', () => {
  it.each([
    ['true', [/^BucketNotificationsHandler/]],
    ['false', [/^BucketNotificationsHandler/, /^CustomS3AutoDeleteObjects/]],
  ])(
    "gives every function of the template, CDK's custom-resource functions included, a log group with the configured retention (retainData=%s)",
    (retainData, cdkFunctions) => {
      // Arrange
      const { resources } = synthStack({ retainData, logRetentionDays: '14' });
      const functions = Object.entries(resources).filter(
        ([, resource]) => resource.Type === 'AWS::Lambda::Function',
      );

      // Act
      const retentions = Object.fromEntries(
        functions.map(([id, fn]) => {
          const logGroup = (fn.Properties.LoggingConfig as { LogGroup?: Ref } | undefined)?.LogGroup
            ?.Ref;
          return [id, logGroup && resources[logGroup]?.Properties.RetentionInDays];
        }),
      );

      // Assert
      for (const cdkFunction of cdkFunctions) {
        expect(Object.keys(retentions)).toContainEqual(expect.stringMatching(cdkFunction));
      }
      for (const [id, retention] of Object.entries(retentions)) expect(retention, id).toBe(14);
    },
  );

  it('keeps the log group of a CDK function when the stack is deleted, with retainData on', () => {
    const { resources } = synthStack({ retainData: 'true' });
    const [, notifications] =
      Object.entries(resources).find(
        ([id, resource]) =>
          resource.Type === 'AWS::Lambda::Function' && id.startsWith('BucketNotificationsHandler'),
      ) ?? [];
    const logGroupId =
      (notifications?.Properties.LoggingConfig as { LogGroup?: Ref } | undefined)?.LogGroup?.Ref ??
      '';

    expect((resources[logGroupId] as { DeletionPolicy?: string } | undefined)?.DeletionPolicy).toBe(
      'Retain',
    );
  });
});
