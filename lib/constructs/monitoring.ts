// Alarms routed to the alert topic (verifier errors, a missing run, a flagged business) and a
// dashboard of outcomes over time.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS } from '../../lambda/config/env.js';
import { OUTCOMES } from '../../lambda/engine/model.js';

export interface MonitoringProps {
  readonly verifier: IFunction;
  readonly api: IFunction;
  readonly alertFunction: IFunction;
  readonly topic: ITopic;
  /** Minutes between scheduled runs: a run missing for twice this long raises the alarm. */
  readonly schedulePeriodMinutes: number;
}

const verifierMetric = (metricName: string, statistic: string, period: Duration) =>
  new Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { service: METRICS.verifierService },
    statistic,
    period,
  });

export class Monitoring extends Construct {
  readonly verifierErrors: Alarm;
  readonly missingRun: Alarm;
  readonly flaggedBusiness: Alarm;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);

    this.verifierErrors = new Alarm(this, 'VerifierErrors', {
      alarmDescription: 'The verifier Lambda failed (an invocation error, not a failing doc).',
      metric: props.verifier.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // CloudWatch periods above an hour must be whole hours; a day is the longest single period.
    const windowMinutes = 2 * props.schedulePeriodMinutes;
    const periodMinutes =
      windowMinutes <= 60 ? windowMinutes : Math.min(24 * 60, Math.ceil(windowMinutes / 60) * 60);
    this.missingRun = new Alarm(this, 'MissingRun', {
      alarmDescription: `No verifier run completed in ${periodMinutes} minutes (twice the schedule period): the verifier went silent.`,
      metric: verifierMetric('RunsCompleted', 'Sum', Duration.minutes(periodMinutes)),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });

    this.flaggedBusiness = new Alarm(this, 'FlaggedBusiness', {
      alarmDescription:
        'A business is spam-flagged: message creation is blocked until the remedy is applied.',
      metric: verifierMetric(
        'BusinessesFlagged',
        'Maximum',
        Duration.minutes(Math.min(props.schedulePeriodMinutes, 60)),
      ),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.verifierErrors, this.missingRun, this.flaggedBusiness]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }

    const hour = Duration.hours(1);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({
            title: 'Doc outcomes per hour',
            stacked: true,
            width: 12,
            left: OUTCOMES.map((o) => verifierMetric(`Docs_${o}`, 'Sum', hour).with({ label: o })),
          }),
          new GraphWidget({
            title: 'Run duration (ms) and flagged businesses',
            width: 12,
            left: [verifierMetric('RunDuration', 'Maximum', hour)],
            right: [verifierMetric('BusinessesFlagged', 'Maximum', hour)],
          }),
        ],
        [
          new GraphWidget({
            title: 'Lambda errors',
            width: 12,
            left: [props.verifier, props.api, props.alertFunction].map((f) =>
              f.metricErrors({ period: Duration.minutes(15) }),
            ),
          }),
          new AlarmStatusWidget({
            title: 'Alarms',
            width: 12,
            alarms: [this.verifierErrors, this.missingRun, this.flaggedBusiness],
          }),
        ],
      ],
    });
  }
}
