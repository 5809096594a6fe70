using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Automations;

/// <summary>
/// Checks every automation when the app starts: unknown actions, required inputs nothing maps,
/// templates that do not parse, settings that are not set, references to results no earlier step
/// gives, Softr connections that are not defined or cannot serve a step (no key; a Users API step without a domain). The app refuses to start, and each message names the file, the automation, the step and the problem.
/// </summary>
public sealed class AutomationsOptionsValidator : AbstractValidator<AutomationsOptions>, IValidateOptions<AutomationsOptions>
{
    public AutomationsOptionsValidator(IOptions<WebhooksOptions> hooks, IConfiguration configuration)
    {
        RuleFor(options => options).Custom((options, context) =>
        {
            var problems = new List<string>();
            var compiled = AutomationCompiler.CompileAll(options, hooks.Value, configuration, problems);
            problems.AddRange(AutomationCompiler.UnservedSteps(compiled, AutomationCompiler.ConnectionsOf(configuration),
                name => Hosting.HooksFile.FileOf(configuration, name) ?? Hosting.HooksFile.FileName));
            problems.ForEach(problem => context.AddFailure(AutomationsOptions.SectionName, problem));
        });
    }

    public ValidateOptionsResult Validate(string? name, AutomationsOptions options)
    {
        var result = Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }
}
