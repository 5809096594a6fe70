using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// A data-subject request (issue #14, item 3): one person's events, in every state and shape (succeeded,
/// dead-lettered, a payload kept in a blob), found through the person index and erased; afterwards no
/// table row and no blob in storage holds the address, and another person's event is untouched.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EraseTests(ProcessingFixture fixture) : IClassFixture<ProcessingFixture>, IAsyncLifetime
{
    private const string Email = "erase.me@example.com";
    private ProcessingHarness Harness => fixture.Harness;

    public async Task InitializeAsync()
    {
        await Harness.RestartProcessAsync();
        (await Harness.Sandbox.DeleteAsync("/sandbox/faults")).EnsureSuccessStatusCode();
        await Harness.DrainAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AfterAnErase_NothingInStorageHoldsTheEmail_AndOthersAreUntouched()
    {
        await Harness.SoftrPostAsync("/v1/api/users", new { full_name = "Erase Me", email = Email });
        await Harness.SoftrPostAsync("/v1/api/users", new { full_name = "Keep Me", email = "keep.me@example.com" });
        var succeeded = Harness.Envelope(ProcessingFixture.TestHook, $$"""{"kind":"magic-link","email":"{{Email}}"}""");
        var other = Harness.Envelope(ProcessingFixture.TestHook, """{"kind":"magic-link","email":"keep.me@example.com"}""");
        Assert.Equal(ProcessingOutcome.Succeeded, (await Harness.DeliverAsync(succeeded)).Outcome);
        Assert.Equal(ProcessingOutcome.Succeeded, (await Harness.DeliverAsync(other)).Outcome);
        // A large payload, kept in a blob (claim check), naming the person in another case.
        var large = Harness.Envelope(ProcessingFixture.TestHook, """{"kind":"magic-link","email":"Erase.Me@Example.com","note":"large"}""");
        var reference = await Harness.Get<IPayloadStore>().PutAsync(large.EventId, BinaryData.FromObjectAsJson(large.Payload));
        Assert.Equal(ProcessingOutcome.Succeeded, (await Harness.DeliverAsync(large with { Payload = default, PayloadReference = reference, Version = EventEnvelope.CurrentVersion })).Outcome);
        // Softr refuses: a dead letter holding the payload.
        await Harness.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 400, operations = new[] { "generateMagicLink" } });
        var refused = Harness.Envelope(ProcessingFixture.TestHook, $$"""{"kind":"magic-link","email":"{{Email}}","try":2}""");
        Assert.Equal(ProcessingOutcome.DeadLettered, (await Harness.DeliverAsync(refused)).Outcome);
        await Harness.SetFaultsAsync(new { });
        Assert.True(await StorageHoldsAsync(Email), "the set-up stored nothing to erase");

        var dryRun = await Harness.Get<PersonEraser>().EraseAsync("ERASE.ME@example.com", dryRun: true, CancellationToken.None);
        var stillThere = await StorageHoldsAsync(Email);
        var erased = await Harness.Get<PersonEraser>().EraseAsync(Email, dryRun: false, CancellationToken.None);

        Assert.Equal(new[] { succeeded.EventId, large.EventId, refused.EventId }.Order(StringComparer.Ordinal), dryRun.Events.Order(StringComparer.Ordinal));
        Assert.Equal((1, 1), (dryRun.DeadLetters, dryRun.Payloads));
        Assert.True(stillThere, "the dry run deleted something");
        Assert.Equal("e***@example.com", erased.Email);
        Assert.Equal(3, erased.Events.Count);
        Assert.False(await StorageHoldsAsync(Email), "storage still holds the e-mail after the erase");
        Assert.Null(await Harness.Get<DeadLetterStore>().GetAsync(refused.EventId, CancellationToken.None));
        Assert.Equal(EventStatus.Succeeded, (await Harness.Get<IEventLog>().FindAsync(other.EventId))!.Status);
        Assert.Empty((await Harness.Get<PersonEraser>().EraseAsync(Email, dryRun: true, CancellationToken.None)).Events);
        var listed = (await Harness.Get<EventIndex>().ListAsync(new EventFilter(), EventIndex.MaxPageSize, null, CancellationToken.None)).Items.Select(item => item.EventId).ToList();
        Assert.Contains(other.EventId, listed);
        Assert.DoesNotContain(succeeded.EventId, listed);
        Assert.DoesNotContain(refused.EventId, listed);
    }

    /// <summary>Whether any row of any table, or any payload blob, holds <paramref name="email"/> (in any case).</summary>
    private async Task<bool> StorageHoldsAsync(string email)
    {
        var tables = new TableServiceClient(Harness.StorageConnectionString);
        foreach (var name in TableNames.All)
        {
            try
            {
                await foreach (var row in tables.GetTableClient(name).QueryAsync<TableEntity>())
                {
                    if (row.Any(column => Holds(column.Value, email)) || row.RowKey.Contains(email, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
            catch (Azure.RequestFailedException missing) when (missing.Status == 404)
            {
                // Not made yet.
            }
        }
        var payloads = new BlobContainerClient(Harness.StorageConnectionString, ContainerNames.Payloads);
        if (await payloads.ExistsAsync())
        {
            await foreach (var blob in payloads.GetBlobsAsync())
            {
                if ((await payloads.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString().Contains(email, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool Holds(object? value, string email) => value switch
    {
        string text => text.Contains(email, StringComparison.OrdinalIgnoreCase),
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes).Contains(email, StringComparison.OrdinalIgnoreCase)
            || JsonSerializer.Serialize(bytes).Contains(email, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
