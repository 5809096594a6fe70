// Everything in the resource group. Least privilege: the app's one identity gets data-plane roles on
// its own storage account and secret reads on its own vault, nothing else; shared keys are off.
param environmentName string
param location string
param tags object
@secure()
param softrApiKey string
param softrDomain string
@secure()
param softrConnections string
@secure()
param hookSecrets object
param maximumInstanceCount int
param alertEmail string
@secure()
param dataProtectionKek string
param retentionDays int
param networkDefaultAction string
param allowedIpRanges array
param consoleEntraClientId string
param consoleEntraTenantId string

// The storage names the code uses (QueueNames, TableNames, ContainerNames); a test keeps them equal.
var storageNames = loadJsonContent('storage-names.json')
var token = toLower(uniqueString(subscription().id, environmentName, location))
var deploymentContainer = 'app-package'

// Built-in role definitions.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${token}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    // infra/README.md, "Network": open by default, because a Flex Consumption app without VNet
    // integration reaches its storage over the public endpoint; closed to all but the listed ranges otherwise.
    networkAcls: {
      defaultAction: networkDefaultAction
      bypass: 'AzureServices'
      ipRules: [for range in allowedIpRanges: { value: range, action: 'Allow' }]
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in concat(storageNames.containers, [deploymentContainer]): {
  parent: blobService
  name: name
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in storageNames.queues: {
  parent: queueService
  name: name
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in storageNames.tables: {
  parent: tableService
  name: name
}]

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${token}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    // The app reads its secrets through Key Vault references and the data-protection secret directly, over
    // the public endpoint (no VNet): the same rule as storage (infra/README.md, "Network").
    networkAcls: {
      defaultAction: networkDefaultAction
      bypass: 'AzureServices'
      ipRules: [for range in allowedIpRanges: { value: range }]
    }
  }
}

// Who read or wrote what: storage (blob, queue and table requests) and Key Vault (secret reads) to Log Analytics.
var storageLogs = [{ category: 'StorageRead', enabled: true }, { category: 'StorageWrite', enabled: true }, { category: 'StorageDelete', enabled: true }]

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: { workspaceId: logs.id, logs: storageLogs }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: { workspaceId: logs.id, logs: storageLogs }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: { workspaceId: logs.id, logs: storageLogs }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: { workspaceId: logs.id, logs: [{ categoryGroup: 'audit', enabled: true }] }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource softrApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'softr-api-key'
  properties: { value: softrApiKey }
}

// Each more Softr app's key in a secret of its own. Connection names: letters, digits and '_' (they go into app setting
// names, which App Service on Linux limits to letters, digits, '.' and '_'); secret names take no '_', so it becomes '-'.
// Base64 of the JSON: azd puts the variable into main.parameters.json as plain text, and JSON's quotes would break the file.
var connections = items(json(empty(softrConnections) ? '{}' : base64ToString(softrConnections)))

resource softrConnectionSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for connection in connections: {
  parent: vault
  name: 'softr-connection-${toLower(replace(connection.key, '_', '-'))}'
  properties: { value: connection.value.apiKey }
}]

var softrConnectionKeySettings = [for connection in connections: {
  name: 'Softr__Connections__${connection.key}__ApiKey'
  value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=softr-connection-${toLower(replace(connection.key, '_', '-'))})'
}]

var softrConnectionDomainSettings = [for connection in connections: {
  name: 'Softr__Connections__${connection.key}__Domain'
  value: connection.value.?domain ?? ''
}]

// Payload blobs past retention are deleted by the storage service too, should the app's daily sweep not run.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          enabled: true
          name: 'payloads-retention'
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['payloads/'] } // ContainerNames.Payloads
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: retentionDays } } }
          }
        }
      ]
    }
  }
}

// Wraps the Data Protection key ring kept in the dataprotection container (README, "Data and privacy").
resource dataProtectionKekSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'dataprotection-kek'
  properties: { value: dataProtectionKek }
}

// Key Vault secret names take letters, digits and dashes: SIGNUP_HOOK_SECRET is stored as signup-hook-secret.
resource hookSecretSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secret in items(hookSecrets): {
  parent: vault
  name: toLower(replace(secret.key, '_', '-'))
  properties: { value: secret.value }
}]

var hookSecretSettings = [for secret in items(hookSecrets): {
  name: secret.key
  value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${toLower(replace(secret.key, '_', '-'))})'
}]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${token}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      // No FTP at all; deployments go through azd with Entra ID, never publishing credentials.
      ftpsState: 'Disabled'
      appSettings: concat([
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'Softr__ApiKey', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${softrApiKeySecret.name})' }
        { name: 'Softr__Domain', value: softrDomain }
        { name: 'DataProtection__KeyVaultUri', value: vault.properties.vaultUri }
        { name: 'Retention__Events', value: '${retentionDays}.00:00:00' }
        { name: 'Retention__DeadLetters', value: '${retentionDays}.00:00:00' }
        { name: 'Retention__Payloads', value: '${retentionDays}.00:00:00' }
        { name: 'Retention__Tombstones', value: '${retentionDays}.00:00:00' }
        { name: 'DataProtection__KeyVaultSecretName', value: dataProtectionKekSecret.name }
        // Every instance can hold a seat of the shared budget (README, "One Softr budget for every instance").
        { name: 'Processing__BudgetSeats', value: string(maximumInstanceCount) }
      ], hookSecretSettings, softrConnectionKeySettings, softrConnectionDomainSettings)
    }
  }
  dependsOn: [storageRoles, vaultRole, insightsRole, hookSecretSecrets, softrConnectionSecrets]
}

// Basic publishing credentials (a user name and password for FTP and for the SCM site, Kudu) are off:
// they bypass Entra ID, and azd deploys with an Entra token instead.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

// Optional (consoleEntraClientId): an Entra ID sign-in in front of the app, the console and the admin API
// included; the admin key is still asked for. Senders, health probes and the function-key status API
// keep their own authentication and are let through.
resource consoleSignIn 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(consoleEntraClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: ['/api/hooks/*', '/api/health', '/api/events/*']
    }
    httpSettings: { requireHttps: true }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: consoleEntraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${consoleEntraTenantId}/v2.0'
        }
        validation: { allowedAudiences: [consoleEntraClientId, 'api://${consoleEntraClientId}'] }
      }
    }
    login: { tokenStore: { enabled: false } }
  }
}

module alerts 'alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    insightsId: insights.id
    alertEmail: alertEmail
    token: token
  }
}

output functionAppName string = app.name
output functionAppUrl string = 'https://${app.properties.defaultHostName}'
output keyVaultName string = vault.name
output storageAccountName string = storage.name
