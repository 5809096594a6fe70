using Softr.Functions.Processing;
using Softr.Http;
using Softr.Users;

namespace Softr.Functions.Automations.Actions;

/// <summary>
/// <c>user.create</c>: creates the user, optionally with a magic link. "Already exists" is a success (the
/// flow goes on), and the magic link is still fetched when the step wanted one.
/// </summary>
public sealed class UserCreate : SoftrAction
{
    public override string Name => SoftrActions.UserCreate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.CreateUser, SoftrOperation.GenerateMagicLink];

    public override string Description => "Create a user (an existing one is a success); magicLink: true also returns a sign-in link.";

    public override IReadOnlyList<ActionInput> Inputs { get; } =
    [
        Input(SoftrActions.Email, InputRules.Email),
        Input(SoftrActions.FullName, InputRules.FullName),
        OptionalInput(SoftrActions.Password, InputRules.Password),
        OptionalInput(SoftrActions.MagicLink, InputRules.Flag),
    ];

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email, SoftrActions.Created, SoftrActions.MagicLink];

    public override IReadOnlyList<string> SecretOutputs => [SoftrActions.MagicLink];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var email = call.Input(SoftrActions.Email);
        var wantsLink = InputRules.IsTrue(call.OptionalInput(SoftrActions.MagicLink));
        var request = new CreateUserRequest(call.Input(SoftrActions.FullName), email)
        {
            Password = call.OptionalInput(SoftrActions.Password),
            GenerateMagicLink = wantsLink ? true : null,
        };
        var result = await context.Users.CreateUserAsync(request, cancellationToken).ConfigureAwait(false);
        var link = result.User?.MagicLink;
        // The user was there already (an earlier event, or this one's first try): the flow still
        // needs its sign-in link, so ask for one rather than leave the later steps without it.
        if (wantsLink && link is null)
        {
            link = (await context.Users.GenerateMagicLinkAsync(email, cancellationToken).ConfigureAwait(false)).AbsoluteUri;
        }
        var outputs = Results();
        outputs[SoftrActions.Email] = email;
        outputs[SoftrActions.Created] = result.Outcome == CreateUserOutcome.Created ? "true" : "false";
        outputs[SoftrActions.MagicLink] = link;
        return outputs;
    }

    public override string Describe(IReadOnlyDictionary<string, string?> outputs) =>
        outputs?.GetValueOrDefault(SoftrActions.Created) == "true" ? "created the user" : "found the user already there (not created again)";
}
