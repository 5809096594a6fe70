namespace Softr.Functions.Storage;

/// <summary>Setting names shared with the Functions host, which reads the same connection.</summary>
public static class StorageSettings
{
    /// <summary>
    /// The storage connection the Functions runtime itself uses. Queue triggers default to it, and
    /// the ingestion side sends to the same account so that both sides always agree on where events are.
    /// </summary>
    public const string ConnectionName = "AzureWebJobsStorage";
}
