using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>A hook that names a JSON Schema file beside hooks.json: checked at the door, errors as JSON pointers.</summary>
public sealed class PayloadSchemaTests
{
    private const string Schema = "schemas/contact-form.schema.json";

    private static IngestorBuilder Door(InvalidInputPolicy policy = InvalidInputPolicy.Default)
    {
        var builder = new IngestorBuilder();
        builder.MoreHooks["contact"] = new HookDefinition
        {
            SecretSettings = { IngestorBuilder.SecretSetting }, SecretHeader = IngestorBuilder.SecretHeader, Schema = Schema, InvalidInput = policy,
        };
        return builder;
    }

    [Fact]
    public async Task PayloadThatFitsTheSchema_IsAccepted()
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(IngestorBuilder.Request("""{"email":"ada@example.com","name":"Ada","newsletter":true}""", hook: "contact"));

        Assert.IsType<IngestionResult.Accepted>(result);
    }

    [Fact]
    public async Task PayloadThatBreaksTheSchema_Is400_WithJsonPointers_AndNothingQueued()
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(IngestorBuilder.Request("""{"email":"not an address","name":"","newsletter":"yes"}""", hook: "contact"));

        var problem = Assert.IsType<ValidationProblemDetails>(Assert.IsType<IngestionResult.Rejected>(result).Problem);
        Assert.Equal(400, problem.Status);
        Assert.Equal(["/email", "/name", "/newsletter"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(builder.Enqueued);
    }

    [Fact]
    public async Task MissingRequiredProperty_IsReportedAtTheObject()
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(IngestorBuilder.Request("""{"name":"Ada"}""", hook: "contact"));

        var problem = Assert.IsType<ValidationProblemDetails>(Assert.IsType<IngestionResult.Rejected>(result).Problem);
        Assert.Contains("email", Assert.Single(problem.Errors["/"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnADeadLetterHook_TheBreakingEventIsTaken_ForProcessingToDeadLetter()
    {
        var builder = Door(InvalidInputPolicy.DeadLetter);

        var result = await builder.Build().IngestAsync(IngestorBuilder.Request("""{"name":"Ada"}""", hook: "contact"));

        Assert.IsType<IngestionResult.Accepted>(result);
        Assert.Single(builder.Enqueued);
    }

    [Theory]
    [InlineData("schemas/missing.schema.json", "could not be loaded")]
    [InlineData("../../etc/passwd.json", "outside the folder")]
    [InlineData("contact-form", "is unknown")]
    public void SchemaThatCannotBeLoaded_StopsTheApp_NamingTheHook(string schema, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:Hooks:contact:SecretSettings:0"] = "CONTACT_SECRET",
            ["Webhooks:Hooks:contact:Schema"] = schema,
            ["CONTACT_SECRET"] = "contact-secret-0123456789",
        }).Build();
        var options = configuration.GetSection(WebhooksOptions.SectionName).Get<WebhooksOptions>()!;

        var result = new WebhooksOptionsValidator(new HookSecrets(configuration), Softr.Functions.Webhooks.Senders.WebhookSenders.All,
            new PayloadSchemas.Folder(TestPaths.RepositoryRoot)).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Hook 'contact'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
