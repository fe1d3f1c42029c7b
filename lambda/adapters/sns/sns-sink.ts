// AlertSink that publishes to an SNS topic. One Publish per alert with MessageStructure "json":
// `default` is the alert JSON (HTTPS / SQS / email-json subscribers), `email` is the plain-text
// rendering, Subject a one-line summary. Alerts carry no token: evidence is redacted by the runner.
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../../engine/model.js';
import type { AlertSink } from '../../engine/ports.js';
import { alertSubject, renderAlertText } from './email.js';

export class SnsAlertError extends Error {
  override readonly name = 'SnsAlertError';
}

export interface SnsAlertSinkOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  /**
   * When given, a failed publish is reported here and swallowed (the AlertSink contract for runs).
   * @default - the error is thrown as SnsAlertError, so the alert Lambda fails the record and it is retried
   */
  readonly onError?: (message: string) => void;
}

/** The exact Publish request for one alert. */
export function publishInput(topicArn: string, alert: Alert): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: alertSubject(alert),
    MessageStructure: 'json',
    Message: JSON.stringify({ default: JSON.stringify(alert), email: renderAlertText(alert) }),
    // For subscription filter policies (e.g. only recoveries to a chat webhook).
    MessageAttributes: {
      type: { DataType: 'String', StringValue: alert.type },
      businessId: { DataType: 'String', StringValue: alert.businessId },
    },
  };
}

export function createSnsAlertSink(options: SnsAlertSinkOptions): AlertSink {
  const { client, topicArn, onError } = options;
  return {
    async publish(alert) {
      try {
        await client.send(new PublishCommand(publishInput(topicArn, alert)));
      } catch (cause) {
        const name = (cause as { name?: string })?.name ?? 'Error';
        const error = new SnsAlertError(
          `SNS publish of ${alert.type} ${alert.idempotencyKey} to ${topicArn} failed: ${name}`,
          { cause },
        );
        if (!onError) throw error;
        onError(error.message);
      }
    },
  };
}
