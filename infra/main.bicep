// EvidenceVault on Azure: write-once evidence storage, the Functions app (custom handler) with a managed
// identity, and monitoring with alerts. Deploy with `azd up` (azure.yaml at the repository root) or
// `az deployment group create -g <rg> -f infra/main.bicep -p environmentName=<name>`.
targetScope = 'resourceGroup'

@description('Short name of this deployment, used in resource names.')
@minLength(2)
@maxLength(12)
param environmentName string

param location string = resourceGroup().location

@description('Days every evidence version stays immutable (time-based retention, version level).')
@minValue(1)
param retentionDays int = 3650

@description('The RFC 3161 timestamp authority the vault asks for trusted time: one the courts you file in recognise.')
@minLength(8)
param timestampAuthorityUrl string

@description('A name for that authority in logs and custody events.')
@minLength(1)
param timestampAuthorityName string

@description('PEM of the root certificate(s) that authority chains to, obtained from the authority itself.')
@minLength(1)
param timestampRootsPem string

@description('Where operator alerts (trusted time failing, evidence refused) are mailed; none when empty.')
param alertEmail string = ''

@description('Object id of whoever runs the deployment (azd fills it in), allowed to create the receipt key secret.')
param principalId string = ''

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName, application: 'evidencevault' }

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: { name: 'ev-${token}', location: location, tags: tags }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: { name: 'ev${token}', location: location, tags: tags, retentionDays: retentionDays }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: { name: 'ev-${token}', location: location, tags: tags }
}

module functionApp 'app/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: 'ev-${token}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: keyVault.outputs.name
    timestampAuthorityName: timestampAuthorityName
    timestampAuthorityUrl: timestampAuthorityUrl
    timestampRootsPem: timestampRootsPem
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  params: {
    name: 'ev-${token}'
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.id
    functionAppId: functionApp.outputs.id
    alertEmail: alertEmail
  }
}

module access 'app/access.bicep' = {
  name: 'access'
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    principalId: functionApp.outputs.principalId
    deployerPrincipalId: principalId
  }
}

output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output EVIDENCEVAULT_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
