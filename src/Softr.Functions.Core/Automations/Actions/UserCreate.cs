using FluentValidation;
using Softr.Http;
using Softr.Users;

namespace Softr.Functions.Automations.Actions;

/// <summary>
/// <c>user.create</c>: creates the user, optionally with a magic link. "Already exists" is a success (the
/// flow goes on), and the magic link is still fetched when the step wanted one.
/// </summary>
public sealed class UserCreate : SoftrAction<UserCreate.Input>
{
    public override string Name => SoftrActions.UserCreate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.CreateUser, SoftrOperation.GenerateMagicLink];

    public override string Description => "Create a user (an existing one is a success); magicLink: true also returns a sign-in link.";

    /// <param name="MagicLink">true (also yes, 1, on) to return a sign-in link.</param>
    public sealed record Input(string Email, string FullName, string? Password, string? MagicLink);

    protected override IValidator<Input> Rules { get; } = new Validator();

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email, SoftrActions.Created, SoftrActions.MagicLink];

    public override IReadOnlyList<string> SecretOutputs => [SoftrActions.MagicLink];

    protected override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var email = input.Email;
        var wantsLink = InputRules.IsTrue(input.MagicLink);
        var request = new CreateUserRequest(input.FullName, email)
        {
            Password = input.Password,
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

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(input => input.Email).Meets(InputRules.Email);
            RuleFor(input => input.FullName).Meets(InputRules.FullName);
            RuleFor(input => input.Password).Meets(InputRules.Password);
            RuleFor(input => input.MagicLink).Meets(InputRules.Flag);
        }
    }
}
