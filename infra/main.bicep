// Softr.Functions on Azure: `azd up` provisions this (subscription scope, in the shape of the azd
// function templates) and deploys src/Softr.Functions.App into it. Parameters: infra/README.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names and tags the resources.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@secure()
@description('The Softr API key (Softr-Api-Key). Stored in Key Vault; the app reads it through a Key Vault reference.')
param softrApiKey string

@description('The published Softr app\'s domain, e.g. myapp.softr.app.')
param softrDomain string

@secure()
@description('More Softr apps, as base64 of JSON: {"portal_b": {"apiKey": "...", "domain": "portal-b.softr.app"}} (names of letters, digits and _: they go into app setting names). Each key goes to Key Vault (secret softr-connection-{name}); the app reads it through a Key Vault reference as Softr__Connections__{name}__ApiKey. Empty: one app.')
param softrConnections string = ''

@secure()
@description('Each hook\'s signing secrets, by the app setting name hooks.json gives them (e.g. {"SIGNUP_HOOK_SECRET": "..."}). Each goes to Key Vault.')
param hookSecrets object = {}

@minValue(40)
@maxValue(1000)
@description('Flex Consumption\'s most instances per function (40 at the least). Also the number of seats the shared Softr budget is cut into, so every instance can hold one; see infra/README.md.')
param maximumInstanceCount int = 40

@description('Where alert e-mails go; no action group when empty.')
param alertEmail string = ''

@minValue(7)
@maxValue(3650)
@description('Days events, dead letters, payload blobs and erasure tombstones are kept (a daily sweep, and a lifecycle rule on the payloads container); at least 7: a copy of an erased event can arrive that late. README, "Data and privacy".')
param retentionDays int = 30

@allowed(['Allow', 'Deny'])
@description('Storage and Key Vault network rule: Allow (the default; needed without VNet integration, which this template does not set up), or Deny all but allowedIpRanges and Azure services. infra/README.md, "Network".')
param networkDefaultAction string = 'Allow'

@description('IP ranges (CIDR) let through when networkDefaultAction is Deny, e.g. an office for the console and az CLI.')
param allowedIpRanges array = []

@description('Optional: the client (application) ID of an Entra ID app registration. When set, App Service Authentication puts the whole app behind an Entra sign-in, the console included, except the webhook, health and event-status routes (senders and probes authenticate their own way). The admin key is still needed. infra/README.md, "Console sign-in with Entra ID".')
param consoleEntraClientId string = ''

@description('The Entra tenant the console sign-in accepts; this subscription\'s by default.')
param consoleEntraTenantId string = tenant().tenantId

@secure()
@description('The key-encryption key that wraps the Data Protection keys (which encrypt credentials kept as step results). Leave it to its default: random for each deployment, stored as a new version of the Key Vault secret dataprotection-kek; keys wrapped with older versions stay readable.')
param dataProtectionKek string = '${newGuid()}${newGuid()}'

var tags = { 'azd-env-name': environmentName }

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'resources'
  scope: resourceGroup
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    softrApiKey: softrApiKey
    softrDomain: softrDomain
    softrConnections: softrConnections
    hookSecrets: hookSecrets
    maximumInstanceCount: maximumInstanceCount
    alertEmail: alertEmail
    dataProtectionKek: dataProtectionKek
    retentionDays: retentionDays
    networkDefaultAction: networkDefaultAction
    allowedIpRanges: allowedIpRanges
    consoleEntraClientId: consoleEntraClientId
    consoleEntraTenantId: consoleEntraTenantId
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output AZURE_FUNCTION_APP_URL string = resources.outputs.functionAppUrl
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output CONSOLE_URL string = '${resources.outputs.functionAppUrl}/api/console'
