// The home of the vault's receipt signing key: a Key Vault read with identities only (RBAC, no access keys),
// kept from deletion (soft delete, purge protection). A template cannot generate an EC key, so the secret is
// created once by the postprovision hook (infra/hooks/receipt-key.sh) and never replaced by it.
param name string
param location string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

output name string = vault.name
