namespace Softr.Functions.Webhooks;

/// <summary>The payload schemas a hook can require; each has a FluentValidation validator.</summary>
public static class HookSchemas
{
    /// <summary><c>{"email", "full_name"}</c>: someone to create in Softr (see <see cref="SignupPayloadValidator"/>).</summary>
    public const string Signup = "signup";
}
