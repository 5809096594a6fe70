using FluentValidation;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.sync</c>: re-syncs the given users (comma-separated e-mails) from the app's data source, or every user.</summary>
public sealed class UserSync : SoftrAction<UserSync.Input>
{
    public override string Name => SoftrActions.UserSync;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.SyncUsers];

    public override string Description => "Sync users from the app's data source: the e-mails given, or all.";

    /// <param name="Emails">Comma-separated; none: every user.</param>
    public sealed record Input(string? Emails);

    protected override IValidator<Input> Rules { get; } = new Validator();

    protected override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var emails = input.Emails?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await context.Users.SyncUsersAsync(emails is { Length: > 0 } ? emails : null, cancellationToken).ConfigureAwait(false);
        return Results();
    }

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator() => RuleFor(input => input.Emails).Meets(InputRules.EmailList);
    }
}
