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
    threshold: 0
  }
  {
    name: 'softr-429-share'
    description: 'More than 5% of Softr calls were refused with 429: another client spends the token, or the budget is set above Softr\'s (runbook: Throughput).'
    severity: 3
    query: 'dependencies | where target has "softr" | summarize share = 100.0 * countif(resultCode == "429") / count() | project share'
    threshold: 5
  }
  {
    name: 'events-late'
    description: 'An event finished more than 5 minutes after it was received: a backlog, Softr down, or budget too small (runbook: Backlog).'
    severity: 3
    query: 'traces | where message has "succeeded on attempt" | extend age = todouble(customDimensions.AgeSeconds) | summarize oldest = max(age) | project oldest'
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
          metricMeasureColumn: rule.name == 'dead-letters' ? 'count_' : (rule.name == 'softr-429-share' ? 'share' : 'oldest')
          operator: 'GreaterThan'
          threshold: rule.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
  }
}]
