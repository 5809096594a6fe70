using System.Reflection;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;
using Softr.Functions.Automations;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.App;

/// <summary>Every problem type the app can answer with is built in one place and documented in docs/problems.md (issue #13).</summary>
public sealed class ProblemTypesTests
{
    public static TheoryData<string> Factories() => [.. Methods().Select(method => $"{method.DeclaringType!.Name}.{method.Name}")];

    [Theory]
    [MemberData(nameof(Factories))]
    public void EveryProblemType_HasThePrefix_AndIsDocumented(string factory)
    {
        var method = Methods().Single(candidate => $"{candidate.DeclaringType!.Name}.{candidate.Name}" == factory);
        var problem = (ProblemDetails)method.Invoke(null, [.. method.GetParameters().Select(parameter => Sample(parameter.ParameterType))])!;
        var documented = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "problems.md"));

        Assert.StartsWith(ApiProblems.TypePrefix, problem.Type, StringComparison.Ordinal);
        Assert.Contains($"| `{problem.Type}` | {problem.Status} |", documented, StringComparison.Ordinal);
    }

    private static IEnumerable<MethodInfo> Methods() =>
        new[] { typeof(ApiProblems), typeof(WebhookProblems) }.SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(method => typeof(ProblemDetails).IsAssignableFrom(method.ReturnType));

    private static object Sample(Type type) => type switch
    {
        _ when type == typeof(string) => "sample",
        _ when type == typeof(int) => 1,
        _ when type == typeof(ValidationResult) => new ValidationResult(),
        _ when type == typeof(IReadOnlyDictionary<string, string[]>) => new Dictionary<string, string[]>(),
        _ when type == typeof(IReadOnlyList<InputError>) => Array.Empty<InputError>(),
        _ when type == typeof(IReadOnlyCollection<string>) => new[] { "sample" },
        _ => throw new NotSupportedException($"No sample for {type}: add one."),
    };
}
