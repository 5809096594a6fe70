namespace Softr.Sandbox;

/// <summary>
/// Another emulated Softr app, under <c>Sandbox:Apps:{name}</c>: its domain has its own users, and its token its own
/// databases. Two apps may share a token (one workspace, two portals): they then share its databases and its limits.
/// </summary>
public sealed class SandboxAppOptions
{
    /// <summary>The token that reaches it.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Its published domain, which the Users API names it by.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Its starting data; unset: <c>Sandbox:SeedFile</c>, else the built-in seed.</summary>
    public string? SeedFile { get; set; }
}
