using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.sync</c>: re-syncs the given users (comma-separated e-mails) from the app's data source, or every user.</summary>
public sealed class UserSync : SoftrAction
{
    public override string Name => SoftrActions.UserSync;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.SyncUsers];

    public override string Description => "Sync users from the app's data source: the e-mails given, or all.";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [OptionalInput(SoftrActions.Emails, InputRules.EmailList)];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var emails = call.OptionalInput(SoftrActions.Emails)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await context.Users.SyncUsersAsync(emails is { Length: > 0 } ? emails : null, cancellationToken).ConfigureAwait(false);
        return Results();
    }
}
