import { Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
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

  /** Notifies the topic when `alarm` goes into alarm and when it recovers. */
  notifyOn(alarm: Alarm): void {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
