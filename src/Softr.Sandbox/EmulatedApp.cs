namespace Softr.Sandbox;

/// <summary>One Softr app the sandbox emulates: <c>default</c> from <c>Sandbox:ApiKey</c> and <c>Sandbox:Domain</c>, the others from <c>Sandbox:Apps</c>.</summary>
/// <param name="Name">How inspection names it.</param>
/// <param name="ApiKey">The token that reaches it.</param>
/// <param name="Domain">Its domain, as the Users API takes it.</param>
/// <param name="SeedFile">Its starting data; null for the built-in seed.</param>
public sealed record EmulatedApp(string Name, string ApiKey, string Domain, string? SeedFile)
{
    public const string DefaultName = "default";

    /// <summary>The name and domain only: the key stays out of logs.</summary>
    public override string ToString() => $"{Name} ({Domain})";
}
