namespace Softr.Sandbox.Database;

/// <summary>The Softr Databases the sandbox holds.</summary>
public sealed class SandboxDatabases
{
    private volatile IReadOnlyList<SandboxDatabase> _databases = [];

    public IReadOnlyList<SandboxDatabase> All() => _databases;

    public SandboxDatabase? Find(string databaseId) => _databases.FirstOrDefault(database => database.Id == databaseId);

    public SandboxTable? FindTable(string databaseId, string tableId) =>
        Find(databaseId)?.Tables.FirstOrDefault(table => table.Id == tableId);

    /// <summary>Replaces everything, for the seed and for <c>POST /sandbox/reset</c>.</summary>
    public void Replace(IReadOnlyList<SandboxDatabase> databases) => _databases = databases;
}
