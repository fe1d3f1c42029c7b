// The daily digest on SNS: one Publish to the alert topic, like an alert (JSON for HTTPS/SQS
// subscribers, plain text for email), with `type` = `digest` and `severity` = `info` as message
// attributes so subscription filter policies can take or leave it.
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { type Digest, renderDigestText } from '../../engine/health/digest.js';

export function digestSubject(d: Digest): string {
  return `[verifier] digest: ${d.openIncidents.length} open incident(s), ${d.invalidDocs.length} invalid, ${d.flappingDocs.length} flapping, ${d.mutes.length} mute(s)`;
}

/** The exact Publish request for one digest. */
export function digestPublishInput(topicArn: string, d: Digest): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: digestSubject(d),
    MessageStructure: 'json',
    Message: JSON.stringify({ default: JSON.stringify(d), email: renderDigestText(d) }),
    MessageAttributes: {
      type: { DataType: 'String', StringValue: 'digest' },
      severity: { DataType: 'String', StringValue: 'info' },
    },
  };
}

export async function publishDigest(client: SNSClient, topicArn: string, d: Digest): Promise<void> {
  await client.send(new PublishCommand(digestPublishInput(topicArn, d)));
}
