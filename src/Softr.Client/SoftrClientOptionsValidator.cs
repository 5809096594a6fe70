using FluentValidation;
using Microsoft.Extensions.Options;

namespace Softr;

/// <summary>
/// Checks <see cref="SoftrClientOptions"/> when the app starts, each message naming the setting (and its app
/// setting where one must be set): the ranges, and the rule across settings the client itself needs, that one
/// attempt fits in a call's total time.
/// </summary>
public sealed partial class SoftrClientOptionsValidator : AbstractValidator<SoftrClientOptions>, IValidateOptions<SoftrClientOptions>
{
    private const string Prefix = SoftrClientOptions.SectionName + ":";

    /// <summary>The rules, each with its message.</summary>
    public SoftrClientOptionsValidator()
    {
        // One app, configured the way it always was: its key and domain are required here. With named connections, the
        // default is one connection among others, and what each automation uses is checked where automations are.
        RuleFor(options => options.ApiKey).NotEmpty().When(options => options.Connections.Count == 0)
            .WithMessage($"{Prefix}ApiKey (app setting Softr__ApiKey) is required: the Softr API key.");
        RuleFor(options => options.Domain).NotEmpty().When(options => options.Connections.Count == 0)
            .WithMessage($"{Prefix}Domain (app setting Softr__Domain) is required: the published Softr app's domain, e.g. myapp.softr.app.");
        RuleForEach(options => options.Connections).Custom((entry, context) => CheckConnection(entry.Key, entry.Value, context));
        RuleFor(options => options).Custom(CheckSharedTokens);
        RuleFor(options => options.UsersApiBaseUrl).Must(IsAbsoluteHttp)
            .WithMessage($"{Prefix}UsersApiBaseUrl must be an absolute http(s) URL.");
        RuleFor(options => options.DatabaseApiBaseUrl).Must(IsAbsoluteHttp)
            .WithMessage($"{Prefix}DatabaseApiBaseUrl must be an absolute http(s) URL.");
        RuleFor(options => options.ReadsPerSecond).InclusiveBetween(1, 100_000)
            .WithMessage($"{Prefix}ReadsPerSecond must be between 1 and 100000.");
        RuleFor(options => options.WritesPerSecond).InclusiveBetween(1, 100_000)
            .WithMessage($"{Prefix}WritesPerSecond must be between 1 and 100000.");
        RuleFor(options => options.MaxQueuedCalls).InclusiveBetween(0, 1_000_000)
            .WithMessage($"{Prefix}MaxQueuedCalls must be between 0 and 1000000.");
        RuleFor(options => options.MaxRetries).InclusiveBetween(0, 20)
            .WithMessage($"{Prefix}MaxRetries must be between 0 and 20.");
        RuleFor(options => options.RetryBaseDelay).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromMinutes(10))
            .WithMessage($"{Prefix}RetryBaseDelay must be between 00:00:00 and 00:10:00.");
        RuleFor(options => options.AttemptTimeout).InclusiveBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1))
            .WithMessage($"{Prefix}AttemptTimeout must be between 00:00:00.010 and 01:00:00.");
        RuleFor(options => options.TotalTimeout).InclusiveBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1))
            .WithMessage($"{Prefix}TotalTimeout must be between 00:00:00.010 and 01:00:00.");
        RuleFor(options => options.AttemptTimeout).LessThanOrEqualTo(options => options.TotalTimeout)
            .WithMessage(options => $"{Prefix}AttemptTimeout ({options.AttemptTimeout}) must not be more than {Prefix}TotalTimeout ({options.TotalTimeout}).");
        RuleFor(options => options.CircuitBreakDuration).InclusiveBetween(TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1))
            .WithMessage($"{Prefix}CircuitBreakDuration must be between 00:00:00.500 and 01:00:00.");
    }

    /// <summary>The rules as options validation: every broken rule's message, so that the start fails naming each setting.</summary>
    public ValidateOptionsResult Validate(string? name, SoftrClientOptions options)
    {
        var result = Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }

    private static void CheckConnection(string name, SoftrConnectionOptions connection, ValidationContext<SoftrClientOptions> context)
    {
        var where = $"{Prefix}{SoftrClientOptions.ConnectionsKey}:{name}";
        if (!ConnectionName().IsMatch(name))
        {
            context.AddFailure($"{where}: a connection's name must be 1-64 letters, digits, '-' or '_' (automations name it in \"Connection\").");
        }
        if (connection is null)
        {
            return;
        }
        if (connection.UsersApiBaseUrl is { } users && !IsAbsoluteHttp(users))
        {
            context.AddFailure($"{where}:UsersApiBaseUrl must be an absolute http(s) URL.");
        }
        if (connection.DatabaseApiBaseUrl is { } database && !IsAbsoluteHttp(database))
        {
            context.AddFailure($"{where}:DatabaseApiBaseUrl must be an absolute http(s) URL.");
        }
        if (connection.ReadsPerSecond is < 1 or > 100_000)
        {
            context.AddFailure($"{where}:ReadsPerSecond must be between 1 and 100000.");
        }
        if (connection.WritesPerSecond is < 1 or > 100_000)
        {
            context.AddFailure($"{where}:WritesPerSecond must be between 1 and 100000.");
        }
    }

    /// <summary>
    /// Softr counts limits per token, and so does the budget here: connections that share a token must not claim
    /// different limits for it, or the budget would depend on which connection's call came first.
    /// </summary>
    private static void CheckSharedTokens(SoftrClientOptions options, ValidationContext<SoftrClientOptions> context)
    {
        var connections = SoftrConnections.Resolve(options).Values.Where(connection => connection.ApiKey.Length > 0);
        foreach (var token in connections.GroupBy(connection => connection.TokenFingerprint).Where(group => group.Count() > 1))
        {
            var names = string.Join(", ", token.Select(connection => connection.Name).Order(StringComparer.Ordinal));
            if (token.Select(connection => (connection.ReadsPerSecond, connection.WritesPerSecond)).Distinct().Count() > 1)
            {
                context.AddFailure($"{Prefix}{SoftrClientOptions.ConnectionsKey}: {names} share a token but not its limits (ReadsPerSecond, WritesPerSecond); Softr counts one budget per token, so give them the same limits.");
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex ConnectionName();

    private static bool IsAbsoluteHttp(Uri? url) => url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
}
