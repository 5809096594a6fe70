using System.Text.Json;
using Azure.Data.Tables;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>Every shipped recipe's sample event, processed against the sandbox: the plans the automations work promised, executed.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RecipeRunTests(ProcessingFixture fixture) : IClassFixture<ProcessingFixture>
{
    private ProcessingHarness Harness => fixture.Harness;

    public static TheoryData<string, string, string> Samples => new()
    {
        { "stripe-checkout-paid", "stripe", "stripe-checkout-paid" },
        { "stripe-subscription-status", "stripe-billing", "stripe-invoice-paid" },
        { "stripe-subscription-status", "stripe-billing", "stripe-subscription-cancelled" },
        { "lemonsqueezy-order", "lemonsqueezy", "lemonsqueezy-order" },
        { "paddle-transaction", "paddle", "paddle-transaction" },
        { "typeform-response", "typeform", "typeform-response" },
        { "tally-response", "tally", "tally-response" },
        { "hubspot-contact", "hubspot", "hubspot-contact" },
        { "pipedrive-deal-won", "pipedrive", "pipedrive-deal-won" },
        { "softr-button", "softr-approve", "softr-button" },
        { "generic-json", "zapier-leads", "generic-json" },
    };

    /// <summary>A recipe or a sample added to <c>recipes/</c> is run here too: the list above must name it.</summary>
    [Fact]
    public void EveryRecipeAndEverySample_IsRun()
    {
        var recipes = Softr.Functions.Testing.Recipes.Folder;
        Assert.Equal(Names(recipes), Samples.Select(row => (string)row[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Names(Path.Combine(recipes, "samples")), Samples.Select(row => (string)row[2]).Distinct().Order(StringComparer.Ordinal));

        static IEnumerable<string> Names(string folder) =>
            Directory.GetFiles(folder, "*.json").Select(path => Path.GetFileNameWithoutExtension(path)!).Order(StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task RecipeSample_Succeeds_AndASecondDeliveryDoesNothing(string recipe, string hook, string sample)
    {
        Assert.True(File.Exists(ProcessingFixture.RecipePath(recipe)));
        var envelope = Harness.Envelope(hook, ProcessingFixture.Sample(sample));

        var first = await Harness.DeliverAsync(envelope);
        var callsAfterFirst = (await Harness.SandboxGetAsync("/sandbox/calls")).GetProperty("total").GetInt32();
        var second = await Harness.DeliverAsync(envelope, messageId: "message-2");

        Assert.True(first.Outcome == ProcessingOutcome.Succeeded, first.Detail);
        Assert.Equal(ProcessingOutcome.AlreadyFinished, second.Outcome);
        Assert.Equal(callsAfterFirst, (await Harness.SandboxGetAsync("/sandbox/calls")).GetProperty("total").GetInt32());
        var status = await Harness.Get<IEventLog>().FindAsync(envelope.EventId);
        Assert.Equal(EventStatus.Succeeded, status!.Status);
        Assert.NotEmpty(status.Steps);
        Assert.All(status.Steps, step => Assert.Equal(StepState.Succeeded, step.State));
    }

    /// <summary>
    /// A signed sender's event whose e-mail breaks the rule (it was taken with 200 at the door): dead-lettered
    /// with cause invalid-input and its error, before any Softr call; the error names no value.
    /// </summary>
    [Theory]
    [InlineData("ada\\u0000@example.com")]
    [InlineData("ada@example.com\\r\\nbcc: eve@example.com")]
    [InlineData("ada.example.com")]
    public async Task IllFormedEmail_IsDeadLetteredAsInvalidInput_WithNoSoftrCall(string email)
    {
        var sample = ProcessingFixture.Sample("stripe-checkout-paid").Replace("  Ada.Lovelace@Example.com ", email, StringComparison.Ordinal);
        var envelope = Harness.Envelope("stripe", sample, dedupeKey: "invalid-" + email);
        var callsBefore = (await Harness.SandboxGetAsync("/sandbox/calls")).GetProperty("total").GetInt32();

        var result = await Harness.DeliverAsync(envelope);

        Assert.Equal(ProcessingOutcome.DeadLettered, result.Outcome);
        Assert.StartsWith(FailureCauses.InvalidInput, result.Detail, StringComparison.Ordinal);
        Assert.Contains("step 'user': email", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", result.Detail, StringComparison.Ordinal);
        Assert.Equal(callsBefore, (await Harness.SandboxGetAsync("/sandbox/calls")).GetProperty("total").GetInt32());
        var letter = await Harness.Get<DeadLetterStore>().GetAsync(envelope.EventId, CancellationToken.None);
        Assert.Equal(FailureCauses.InvalidInput, letter!.Cause);
    }

    [Fact]
    public async Task StripeCheckout_CreatesAndInvitesTheUser_AndUpsertsTheCustomerWithTheMagicLink()
    {
        var envelope = Harness.Envelope("stripe", ProcessingFixture.Sample("stripe-checkout-paid"), dedupeKey: "stripe-state-check");

        var result = await Harness.DeliverAsync(envelope);

        Assert.True(result.Outcome == ProcessingOutcome.Succeeded, result.Detail);
        var status = (await Harness.Get<IEventLog>().FindAsync(envelope.EventId))!;
        var userStep = status.Steps.Single(step => step.StepId == "user");
        var customers = await Harness.SandboxGetAsync("/sandbox/databases/db_portal/tables/tbl_customers/records");
        var customer = Assert.Single(customers.EnumerateArray(), record => record.GetProperty("fields").GetProperty("cEmail").GetString() == "ada.lovelace@example.com");
        // The later step got the link; the status shows it redacted; at rest it is encrypted (issue #14).
        var link = customer.GetProperty("fields").GetProperty("cLink").GetString()!;
        Assert.StartsWith("http", link, StringComparison.Ordinal);
        Assert.Equal(StepSecrets.Redacted, userStep.Outputs["magicLink"]);
        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(Harness.StorageConnectionString, TableNames.Events).QueryAsync<TableEntity>(row => row.PartitionKey == envelope.EventId))
        {
            rows.Add(row);
        }
        Assert.NotEmpty(rows);
        Assert.DoesNotContain(rows.SelectMany(row => row), column => column.Value?.ToString()?.Contains(link, StringComparison.Ordinal) == true);
        // Sealed as stored; processing opens it when a later step needs it.
        var stored = (await Harness.Get<EventProgressStore>().ReadAsync(envelope.EventId, CancellationToken.None)).Step(userStep.Automation, "user")!;
        Assert.Equal(link, Harness.Get<StepSecrets>().Open(stored.Outputs, stored.SealedSecrets)["magicLink"]);
        Assert.Equal(49, customer.GetProperty("fields").GetProperty("cAmount").GetDecimal());
        Assert.Equal(JsonValueKind.Object, (await Harness.SandboxGetAsync("/sandbox/users/ada.lovelace@example.com")).ValueKind);
    }

    [Fact]
    public async Task SoftrButton_UpdatesTheRecord_SelectLabelBecomesItsChoiceId()
    {
        var result = await Harness.DeliverAsync(Harness.Envelope("softr-approve", ProcessingFixture.Sample("softr-button"), dedupeKey: "button-state-check"));

        Assert.True(result.Outcome == ProcessingOutcome.Succeeded, result.Detail);
        var requests = await Harness.SandboxGetAsync("/sandbox/databases/db_portal/tables/tbl_requests/records");
        var request = Assert.Single(requests.EnumerateArray(), record => record.GetProperty("id").GetString() == "rec_01JDXQAB12CD34EF56GH78JK");
        Assert.Equal("chApproved", request.GetProperty("fields").GetProperty("rStatus").GetString());
        Assert.Equal("reviewer@example.com", request.GetProperty("fields").GetProperty("rBy").GetString());
    }
}
