// What an operator is told without watching a dashboard, from the counters the vault exports to Application
// Insights (meter EvidenceVault, see docs/architecture.md#monitoring):
// - trusted time failing: an authority answered wrongly or no authority granted a timestamp, so new evidence waits
//   as pending — the vault keeps it and retries, but its time is only the vault's own until a token is granted;
// - evidence refused for the vault's own reasons: storage unavailable, storage not write-once, an internal error, or a
//   vault log that no longer extends its stored checkpoint (exports stop);
// - a file the vault could not read: its reader of the file's format failed on it, so the evidence is stored and
//   indexed without what the file says of itself (its time, device, address, sender) — a fault to report and fix;
// - the app unhealthy: the platform's health check of /api/health failing on an instance (the same two storage
//   conditions, or the app not answering at all), which fires even when no victim is uploading.
// Each rule evaluates every 5 minutes over the last 15. With an address, an action group mails it.
param name string
param location string
param tags object
param appInsightsId string
param functionAppId string

@description('Where alerts are mailed; none when empty (they still show in the portal).')
param alertEmail string = ''

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${name}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'evidvault'
    enabled: true
    emailReceivers: [ { name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true } ]
  }
}

var actionGroups = empty(alertEmail) ? [] : [ operators.id ]

resource trustedTime 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-trusted-time-failing'
  location: location
  tags: tags
  properties: {
    displayName: 'EvidenceVault: trusted time failing'
    description: 'Timestamps pending or rejected: check the RFC 3161 authority (reachable, its root unchanged). Pending items are retried. See docs/operations.md.'
    severity: 1
    enabled: true
    scopes: [ appInsightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "evidencevault.timestamps" | extend outcome = tostring(customDimensions["evidencevault.timestamp.outcome"]) | where outcome in ("pending", "rejected") | project timestamp, outcome, attempts = valueSum'
          timeAggregation: 'Total'
          metricMeasureColumn: 'attempts'
          dimensions: [ { name: 'outcome', operator: 'Include', values: [ '*' ] } ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: actionGroups }
  }
}

resource evidenceRefused 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-evidence-refused'
  location: location
  tags: tags
  properties: {
    displayName: 'EvidenceVault: evidence refused for the vault\'s own reasons'
    description: 'Requests answered storage-unavailable, storage-not-immutable, internal-error or vault-log-inconsistent: victims cannot store evidence, or lawyers cannot export it. Nothing half-stored is indexed; check storage and the app\'s exceptions. See docs/operations.md.'
    severity: 0
    enabled: true
    scopes: [ appInsightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "evidencevault.problems" | extend problem = tostring(customDimensions["evidencevault.problem.type"]) | where problem in ("urn:evidencevault:problem:storage-unavailable", "urn:evidencevault:problem:storage-not-immutable", "urn:evidencevault:problem:internal-error", "urn:evidencevault:problem:vault-log-inconsistent") | project timestamp, problem, responses = valueSum'
          timeAggregation: 'Total'
          metricMeasureColumn: 'responses'
          dimensions: [ { name: 'problem', operator: 'Include', values: [ '*' ] } ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: actionGroups }
  }
}

resource statementsUnread 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-statements-unread'
  location: location
  tags: tags
  properties: {
    displayName: 'EvidenceVault: a file\'s statements could not be read'
    description: 'The vault\'s reader of a file format failed on a victim\'s file or ran out of time on it: the evidence is stored, hashed, timestamped and indexed, but without what the file says of itself. The app\'s warning names the item and where the reader failed. See docs/operations.md.'
    severity: 2
    enabled: true
    scopes: [ appInsightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "evidencevault.statements.unread" | extend contentType = tostring(customDimensions["evidencevault.content.type"]) | project timestamp, contentType, items = valueSum'
          timeAggregation: 'Total'
          metricMeasureColumn: 'items'
          dimensions: [ { name: 'contentType', operator: 'Include', values: [ '*' ] } ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: actionGroups }
  }
}

resource unhealthy 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${name}-unhealthy'
  location: 'global'
  tags: tags
  properties: {
    description: 'The platform\'s health check of /api/health fails: storage unreachable or not write-once, or the app not answering. Victims cannot store evidence. See docs/operations.md.'
    severity: 0
    enabled: true
    scopes: [ functionAppId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'health-check-failing'
          metricNamespace: 'Microsoft.Web/sites'
          metricName: 'HealthCheckStatus'
          timeAggregation: 'Average'
          operator: 'LessThan'
          threshold: 100
        }
      ]
    }
    autoMitigate: true
    actions: [for group in actionGroups: { actionGroupId: group }]
  }
}
