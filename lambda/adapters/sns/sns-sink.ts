// AlertSink that publishes to an SNS topic. One Publish per alert with MessageStructure "json":
// `default` is the alert JSON (HTTPS / SQS / email-json subscribers), `email` is the plain-text
// rendering, Subject a one-line summary. Alerts carry no token: evidence is redacted by the runner.
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { isHealthAlert } from '../../engine/health/types.js';
import type { Alert } from '../../engine/model.js';
import type { AlertSink } from '../../engine/ports.js';
import { isAuthAlert } from '../../engine/promises/auth-alerts.js';
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
    // For subscription filter policies (e.g. only recoveries to a chat webhook, one domain to a team).
    MessageAttributes: messageAttributes(alert),
  };
}

/** `type` and `severity` as strings; `domain` as a String.Array (a filter policy matches any element). */
export function messageAttributes(alert: Alert): NonNullable<PublishCommandInput['MessageAttributes']> {
  if (isAuthAlert(alert)) {
    return {
      type: { DataType: 'String', StringValue: alert.type },
      severity: { DataType: 'String', StringValue: alert.severity },
      tokenType: { DataType: 'String', StringValue: alert.tokenType },
      domain: { DataType: 'String.Array', StringValue: JSON.stringify(alert.domains) },
    };
  }
  if (!isHealthAlert(alert)) {
    return {
      type: { DataType: 'String', StringValue: alert.type },
      businessId: { DataType: 'String', StringValue: alert.businessId },
      severity: {
        DataType: 'String',
        StringValue: alert.type === 'business.spam_flagged' ? 'critical' : 'info',
      },
    };
  }
  return {
    type: { DataType: 'String', StringValue: alert.type },
    severity: { DataType: 'String', StringValue: alert.severity },
    // SNS rejects an empty String.Array value; a target-wide alert with no doc domain has none.
    ...(alert.domains.length
      ? { domain: { DataType: 'String.Array', StringValue: JSON.stringify(alert.domains) } }
      : {}),
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
