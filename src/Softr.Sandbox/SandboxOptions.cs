namespace Softr.Sandbox;

/// <summary>The Softr token and app the sandbox accepts (and any more apps), its rate limits and its seed data.</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    public string ApiKey { get; set; } = "sandbox-api-key";

    public string Domain { get; set; } = "demo.softr.app";

    /// <summary>Softr's per-token read limit (GET and search). Raise it to scale time in benchmarks.</summary>
    public int ReadsPerSecond { get; set; } = 40;

    /// <summary>Softr's per-token write limit.</summary>
    public int WritesPerSecond { get; set; } = 30;

    /// <summary>The plan's record cap across the app's databases (402 QUOTA_EXCEEDED past it); none when unset.</summary>
    public int? MaxRecords { get; set; }

    /// <summary>The plan's user cap (402 QUOTA_EXCEEDED past it); none when unset.</summary>
    public int? MaxUsers { get; set; }

    /// <summary>A JSON file of users, databases, tables and records to start with; empty for the built-in seed.</summary>
    public string? SeedFile { get; set; }

    /// <summary>More apps, by name, each with its own domain (and users) and token (and databases); the settings above are the app named <c>default</c>.</summary>
    public Dictionary<string, SandboxAppOptions> Apps { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
