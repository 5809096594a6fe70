using System.Text.Json.Nodes;
using Softr.Sandbox.Database;
using Softr.Sandbox.Users;

namespace Softr.Sandbox;

/// <summary>
/// Loads the sandbox's starting data, for each app: its seed file (<c>Sandbox:SeedFile</c>, or the app's own) when set,
/// else the built-in <c>seed.json</c> (a client portal with Customers and Orders, and two users), so that a newcomer's
/// local run has something real to look at. Users go to the app's domain; databases to its token, once per token.
/// </summary>
public sealed class SandboxSeed(SandboxApps apps, TimeProvider time)
{
    /// <summary>Every app back to its seed.</summary>
    public void Load()
    {
        var seeded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var app in apps.All)
        {
            Load(app.SeedFile, apps.UsersOf(app.Domain), seeded.Add(app.ApiKey) ? apps.DatabasesOf(app.ApiKey) : null);
        }
    }

    private void Load(string? seedFile, SandboxUsers users, SandboxDatabases? databases)
    {
        var json = seedFile is { Length: > 0 }
            ? File.ReadAllText(seedFile)
            : ReadEmbedded();
        var seed = JsonNode.Parse(json) as JsonObject ?? throw new InvalidOperationException("The seed must be a JSON object.");
        var now = time.GetUtcNow();

        users.Clear();
        foreach (var user in (seed["users"] as JsonArray ?? []).OfType<JsonObject>())
        {
            users.Seed(new SandboxUser(
                Required(user, "full_name"), Required(user, "email"), user["status"]?.GetValue<string>() ?? SandboxUser.Active, null, now, now));
        }

        databases?.Replace([.. (seed["databases"] as JsonArray ?? []).OfType<JsonObject>().Select(database =>
            new SandboxDatabase(Required(database, "id"), Required(database, "name"),
                [.. (database["tables"] as JsonArray ?? []).OfType<JsonObject>().Select(table => Table(table, now))]))]);
    }

    private static SandboxTable Table(JsonObject table, DateTimeOffset now)
    {
        var result = new SandboxTable
        {
            Id = Required(table, "id"),
            Name = Required(table, "name"),
            Description = table["description"]?.GetValue<string>(),
            PrimaryFieldId = table["primaryFieldId"]?.GetValue<string>(),
            DefaultViewId = "view_" + Required(table, "id"),
            Fields = [.. (table["fields"] as JsonArray ?? []).OfType<JsonObject>().Select(field => new SandboxField(
                Required(field, "id"), Required(field, "name"), Required(field, "type"))
            {
                Options = field["options"]?.DeepClone() as JsonObject,
                ReadOnly = field["readonly"]?.GetValue<bool>() ?? false,
                Required = field["required"]?.GetValue<bool>() ?? false,
                AllowMultipleEntries = field["allowMultipleEntries"]?.GetValue<bool>() ?? false,
                Unique = field["unique"]?.GetValue<bool>() ?? false,
            })],
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var record in (table["records"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var fields = (record["fields"] as JsonObject ?? []).ToDictionary(field => field.Key, field => field.Value?.DeepClone(), StringComparer.Ordinal);
            result.Add(new SandboxRecord(Required(record, "id"), fields, now, now));
        }
        return result;
    }

    private static string Required(JsonObject node, string name) =>
        node[name]?.GetValue<string>() ?? throw new InvalidOperationException($"Seed: '{name}' is missing in {node.ToJsonString()}.");

    private static string ReadEmbedded()
    {
        using var stream = typeof(SandboxSeed).Assembly.GetManifestResourceStream("Softr.Sandbox.seed.json")
            ?? throw new InvalidOperationException("The sandbox embeds no seed.json.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
