import { Aws, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Properties of {@link AlarmNotifications}. */
export interface AlarmNotificationsProps {
  /** An address to subscribe to the topic (AWS sends a confirmation first); none when unset. */
  email?: string | undefined;
}

/**
 * The SNS topic every alarm notifies (entering and leaving alarm), TLS-only, with an optional
 * email subscription. Subscribe a chat or paging integration to it as needed.
 *
 * @example
 * const alarms = new AlarmNotifications(this, 'Alarms', { email: 'ops@example.com' });
 * alarms.notifyOn(deadLetterAlarm);
 */
export class AlarmNotifications extends Construct {
  /** The alarm topic. */
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmNotificationsProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The topic carries only alarm state changes (no data). CloudWatch alarms cannot publish ' +
        'to a topic encrypted with the AWS managed key, so encryption would need a customer ' +
        'managed KMS key (a monthly cost) for no confidentiality gain.',
    });
  }

  /**
   * Notifies the topic when `alarm` goes into alarm and when it recovers. The topic's policy
   * (written for `enforceSSL`) replaces SNS's default one, so it must allow CloudWatch to
   * publish for this alarm, or the alarm's history records a denied `SNS:Publish` and no one
   * hears of it.
   */
  notifyOn(alarm: Alarm): void {
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': alarm.alarmArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
