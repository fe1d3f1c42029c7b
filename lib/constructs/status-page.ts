// The public status page (optional): a CloudFront distribution whose origin is the bucket's
// `status/` prefix, reached through origin access control. The bucket stays private and encrypted;
// CloudFront may read `status/*` only (an explicit Deny covers every other key).
import { Validations } from 'aws-cdk-lib';
import {
  Distribution,
  HttpVersion,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const STATUS_PREFIX = 'status/';

export interface StatusPageProps {
  readonly bucket: Bucket;
  /** @default PriceClass.PRICE_CLASS_100 */
  readonly priceClass?: PriceClass;
}

export class StatusPage extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: StatusPageProps) {
    super(scope, id);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Verifier status pages (status/<target>/)',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(props.bucket, {
          originPath: `/${STATUS_PREFIX.slice(0, -1)}`,
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
    });
    props.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'StatusPageOnly',
        effect: Effect.DENY,
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        notResources: [props.bucket.arnForObjects(`${STATUS_PREFIX}*`)],
      }),
    );
    const reason = (what: string) => `The status page is public, read-only HTML of run outcomes: ${what}`;
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: reason('no geo restriction is wanted; anyone the owner shares the URL with may read it.'),
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: reason('a WAF web ACL costs more than the page is worth protecting; CloudFront caches it.'),
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: reason('access logs would need a second bucket with ACLs for no audit value.'),
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: reason(
          'the default CloudFront certificate allows TLSv1 only for old viewers; no custom domain is configured.',
        ),
      },
    );
  }
}
