// Suggested alerts, on the app's own telemetry in Application Insights. What each means and what to
// do: docs/runbook.md.
param location string
param tags object
param insightsId string
param alertEmail string
param token string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${token}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'softrfn'
    enabled: true
    emailReceivers: [{ name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

var rules = [
  {
    name: 'dead-letters'
    description: 'Events were dead-lettered: triage by cause, fix, replay (runbook: Dead letters).'
    severity: 2
    query: 'traces | where message has "dead-lettered" | summarize count()'
    column: 'count_'
    threshold: 0
  }
  {
    name: 'poison-kept'
    description: 'A poison message could not be dead-lettered and waits in a last-resort queue (events-poison-poison and the other lanes\' and overflows\' -poison-poison): nothing is lost, but nothing will process it (runbook: Poison that could not be dead-lettered).'
    severity: 1
    query: 'customMetrics | where name == "softr.queue.depth" and tostring(customDimensions.queue) endswith "-poison-poison" | summarize depth = max(value)'
    column: 'depth'
    threshold: 0
  }
  {
    name: 'deferrals'
    description: 'Events keep waiting for Softr budget (over 500 deferrals in 15 minutes): too few seats for the instances, or the budget is not granting. Past Processing__MaxDeferral they are dead-lettered no-budget (runbook: Deferrals).'
    severity: 2
    query: 'customMetrics | where name == "softr.deferrals" and tostring(customDimensions.reason) == "budget" | summarize deferrals = sum(value)'
    column: 'deferrals'
    threshold: 500
  }
  {
    name: 'softr-429-share'
    description: 'More than 5% of Softr calls were refused with 429: another client spends the token, or the budget is set above Softr\'s (runbook: Throughput).'
    severity: 3
    query: 'dependencies | where target has "softr" | summarize share = 100.0 * countif(resultCode == "429") / count() | project share'
    column: 'share'
    threshold: 5
  }
  {
    name: 'lane-high-late'
    description: 'The oldest event waiting in the high lane (events-high, events-high-overflow) has waited over a minute: a paying customer waits for their onboarding (runbook: Lanes).'
    severity: 1
    query: 'customMetrics | where name == "softr.queue.oldest_age" and tostring(customDimensions.queue) in ("events-high", "events-high-overflow") | summarize oldest = max(value)'
    column: 'oldest'
    threshold: 60
  }
  {
    name: 'lane-normal-late'
    description: 'The oldest event waiting in the normal lane (events, events-overflow) has waited over 15 minutes: a backlog (runbook: Lanes).'
    severity: 2
    query: 'customMetrics | where name == "softr.queue.oldest_age" and tostring(customDimensions.queue) in ("events", "events-overflow") | summarize oldest = max(value)'
    column: 'oldest'
    threshold: 900
  }
  {
    name: 'lane-bulk-late'
    description: 'The oldest event waiting in the bulk lane (events-bulk, events-bulk-overflow) has waited over 6 hours: an import larger than the budget left for bulk drains in a day (runbook: Lanes).'
    severity: 3
    query: 'customMetrics | where name == "softr.queue.oldest_age" and tostring(customDimensions.queue) in ("events-bulk", "events-bulk-overflow") | summarize oldest = max(value)'
    column: 'oldest'
    threshold: 21600
  }
  {
    name: 'events-late'
    description: 'An event finished more than 5 minutes after it was received: a backlog, Softr down, or budget too small (runbook: Backlog).'
    severity: 3
    query: 'traces | where message has "succeeded on attempt" | extend age = todouble(customDimensions.AgeSeconds) | summarize oldest = max(age) | project oldest'
    column: 'oldest'
    threshold: 300
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for rule in rules: {
  name: 'alert-${rule.name}-${token}'
  location: location
  tags: tags
  properties: {
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [insightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Maximum'
          metricMeasureColumn: rule.column
          operator: 'GreaterThan'
          threshold: rule.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
  }
}]
