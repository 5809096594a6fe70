using System.Text.Json.Nodes;
using Softr.Database;
using Softr.Functions.Testing;
using Softr.Functions.Tests.Sandbox;
using Softr.Users;

namespace Softr.Functions.Tests.Contract;

/// <summary>
/// docs/softr-openapi.yaml is the contract: it must be a valid OpenAPI document, the sandbox must serve
/// every operation in it, the client must exercise every one, and every answer must match the
/// document's schema for its status.
/// </summary>
public sealed class ContractTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private const string Db = "db_portal";
    private const string Customers = "tbl_customers";

    [Fact]
    public void Document_IsValidOpenApi()
    {
        Assert.Empty(OpenApiContract.Softr.LoadErrors);
        Assert.Equal(16, OpenApiContract.Softr.Operations().Count);
    }

    [Fact]
    public async Task EveryOperation_IsServedAndExercised_AndEveryAnswerMatchesTheDocument()
    {
        var clients = new SandboxClients(sandbox);
        await ExerciseEveryOperationAsync(clients);

        var calls = clients.Recorder.Calls;
        var exercised = calls.Select(call => call.Operation).ToHashSet(StringComparer.Ordinal);
        var documented = OpenApiContract.Softr.Operations().Select(operation => operation.OperationId).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(documented.Order(StringComparer.Ordinal), exercised.Order(StringComparer.Ordinal));

        var problems = calls.SelectMany(call => OpenApiContract.Softr.Check(call.Operation, call.Status, call.MediaType, call.Body)).ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        // Error answers were exercised too, not only the happy path.
        Assert.Contains(calls, call => call.Status == 404);
        Assert.Contains(calls, call => call.Status == 400);
    }

    [Fact]
    public void Check_RejectsABodyThatBreaksTheSchema()
    {
        // The checker itself must be able to fail: a user without its required email.
        var problems = OpenApiContract.Softr.Check("createUser", 200, "application/json", """{"full_name":"No Email"}""");

        Assert.NotEmpty(problems);
        Assert.NotEmpty(OpenApiContract.Softr.Check("createUser", 418, "application/json", "{}"));
    }

    [Fact]
    public async Task WrongCredentials_AnswerTheDocumented401()
    {
        var clients = new SandboxClients(sandbox, apiKey: "wrong");

        await Assert.ThrowsAsync<SoftrApiException>(() => clients.Database.ListDatabasesAsync());
        await Assert.ThrowsAsync<SoftrApiException>(() => clients.Users.InviteUserAsync("owner@example.com"));

        var problems = clients.Recorder.Calls.SelectMany(call => OpenApiContract.Softr.Check(call.Operation, call.Status, call.MediaType, call.Body)).ToList();
        Assert.All(clients.Recorder.Calls, call => Assert.Equal(401, call.Status));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static async Task ExerciseEveryOperationAsync(SandboxClients clients)
    {
        var email = $"contract-{Guid.NewGuid():N}@example.com";
        await clients.Users.CreateUserAsync(new CreateUserRequest("Contract Test", email) { GenerateMagicLink = true });
        await clients.Users.CreateUserAsync(new CreateUserRequest("Contract Test", email));
        await Assert.ThrowsAsync<SoftrApiException>(() => clients.Users.CreateUserAsync(new CreateUserRequest("", email)));
        await clients.Users.InviteUserAsync(email);
        await clients.Users.DeactivateUserAsync(email);
        await clients.Users.ActivateUserAsync(email);
        await clients.Users.GenerateMagicLinkAsync(email);
        await clients.Users.SyncUsersAsync([email]);
        await clients.Users.SyncUsersAsync();
        await clients.Users.DeleteUserAsync(email);
        await clients.Users.DeleteUserAsync(email);
        await Assert.ThrowsAsync<SoftrApiException>(() => clients.Users.InviteUserAsync(email));

        await clients.Database.ListDatabasesAsync();
        await clients.Database.ListTablesAsync(Db);
        await Assert.ThrowsAsync<SoftrApiException>(() => clients.Database.ListTablesAsync("no_such_db"));
        await clients.Database.GetTableAsync(Db, Customers);
        await clients.Database.ListRecordsAsync(Db, Customers, limit: 2);
        await clients.Database.ListRecordsAsync(Db, Customers, fieldNames: true);
        var created = await clients.Database.CreateRecordAsync(Db, Customers, new Dictionary<string, JsonNode?>
        {
            ["fEmail"] = "contract@example.com",
            ["fPlan"] = "chPro",
            ["fSeats"] = 2,
        });
        await Assert.ThrowsAsync<SoftrApiException>(() => clients.Database.CreateRecordAsync(Db, Customers,
            new Dictionary<string, JsonNode?> { ["fSeats"] = "two" }));
        await clients.Database.GetRecordAsync(Db, Customers, created.Id);
        await clients.Database.GetRecordAsync(Db, Customers, "recMissing");
        await clients.Database.UpdateRecordAsync(Db, Customers, created.Id, new Dictionary<string, JsonNode?> { ["Seats"] = 3 }, fieldNames: true);
        await clients.Database.SearchRecordsAsync(Db, Customers, new RecordSearch
        {
            Filter = SearchFilter.And(SearchFilter.IsOneOf("fPlan", "chPro", "chTeam"), SearchFilter.GreaterThan("fSeats", 1)),
            Sorting = [new SearchSort("fSeats", SearchSort.Descending)],
        });
        await Assert.ThrowsAsync<SoftrApiException>(() => clients.Database.SearchRecordsAsync(Db, Customers,
            new RecordSearch { Filter = new SearchCondition { Operator = "LIKE", LeftSide = "fEmail" } }));
        await clients.Database.DeleteRecordAsync(Db, Customers, created.Id);
        await clients.Database.DeleteRecordAsync(Db, Customers, created.Id);
    }
}
