// The Functions app: Linux, custom handler (the published ASP.NET Core app), system-assigned identity.
// No keys in settings: storage is reached with the identity (AzureWebJobsStorage__accountName, and the vault's
// own BlobServiceUri/TableServiceUri with an empty connection string).
param name string
param location string
param tags object
param storageAccountName string
param blobEndpoint string
param tableEndpoint string
param appInsightsConnectionString string

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'elastic'
  sku: { name: 'EP1', tier: 'ElasticPremium' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: ''
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'custom' }
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'EvidenceVault__StartAzurite', value: 'false' }
        { name: 'EvidenceVault__Storage__ConnectionString', value: '' }
        { name: 'EvidenceVault__Storage__RequireImmutableContainer', value: 'true' }
        { name: 'EvidenceVault__Storage__BlobServiceUri', value: blobEndpoint }
        { name: 'EvidenceVault__Storage__TableServiceUri', value: tableEndpoint }
      ]
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output principalId string = app.identity.principalId
