// The Functions app: Linux, custom handler (the published ASP.NET Core app), system-assigned identity.
// No keys in settings: storage is reached with the identity (AzureWebJobsStorage__accountName, and the vault's
// own BlobServiceUri/TableServiceUri with an empty connection string); the receipt key is a Key Vault reference the
// platform resolves with the same identity. RequireConfiguredTrust makes the app refuse to start without its
// authority, roots and key, rather than timestamp with its development authority.
param name string
param location string
param tags object
param storageAccountName string
param blobEndpoint string
param tableEndpoint string
param appInsightsConnectionString string
param keyVaultName string
param timestampAuthorityName string
param timestampAuthorityUrl string
param timestampRootsPem string

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
      // The platform asks every instance each minute; 503 when storage is unreachable or not write-once.
      healthCheckPath: '/api/health'
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
        { name: 'EvidenceVault__RequireConfiguredTrust', value: 'true' }
        // The vault log's name, the first line of every checkpoint: this deployment's own.
        { name: 'EvidenceVault__Log__Origin', value: '${name}.azurewebsites.net/log' }
        { name: 'EvidenceVault__Receipts__SigningKeyPem', value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=receipt-signing-key)' }
        { name: 'EvidenceVault__Timestamps__Authorities__0__Name', value: timestampAuthorityName }
        { name: 'EvidenceVault__Timestamps__Authorities__0__Url', value: timestampAuthorityUrl }
        { name: 'EvidenceVault__Timestamps__TrustedRootsPem', value: timestampRootsPem }
      ]
    }
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
output principalId string = app.identity.principalId
