using Microsoft.Extensions.Options;
using Softr.Sandbox.Calls;
using Softr.Sandbox.Database;
using Softr.Sandbox.Faults;
using Softr.Sandbox.Users;

namespace Softr.Sandbox;

/// <summary>
/// Not part of Softr: lets a person or a test see what the sandbox holds, count the calls it served,
/// switch faults on and off, and start over. Needs no key: the sandbox listens on localhost and holds
/// nothing real.
/// </summary>
public static class SandboxInspection
{
    public const string BasePath = "/sandbox";

    public static IEndpointRouteBuilder MapSandboxInspection(this IEndpointRouteBuilder routes)
    {
        var sandbox = routes.MapGroup(BasePath);
        sandbox.MapGet("/users", (SandboxUsers users) => Results.Ok(users.All()));
        sandbox.MapGet("/users/{email}", (string email, SandboxUsers users) =>
            users.Find(email) is { } user ? Results.Ok(user) : Results.NotFound());
        sandbox.MapGet("/databases", (SandboxDatabases databases) => Results.Ok(databases.All().Select(database => new
        {
            database.Id,
            database.Name,
            Tables = database.Tables.Select(table => new { table.Id, table.Name, Records = table.Records().Count }),
        })));
        sandbox.MapGet("/databases/{databaseId}/tables/{tableId}/records", (string databaseId, string tableId, SandboxDatabases databases) =>
            databases.FindTable(databaseId, tableId) is { } table ? Results.Ok(table.Records()) : Results.NotFound());

        sandbox.MapGet("/calls", (CallLog calls) => Results.Ok(calls.Summary()));
        sandbox.MapDelete("/calls", (CallLog calls) =>
        {
            calls.Clear();
            return Results.NoContent();
        });

        sandbox.MapGet("/faults", (FaultInjector faults) => Results.Ok(faults.Settings));
        sandbox.MapPut("/faults", (FaultSettings settings, FaultInjector faults) =>
        {
            faults.Apply(settings);
            return Results.Ok(faults.Settings);
        });
        sandbox.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Reset();
            return Results.NoContent();
        });

        sandbox.MapGet("/quota", (SandboxQuotas quota) => Results.Ok(quota.Current));
        sandbox.MapPut("/quota", (SandboxQuota settings, SandboxQuotas quota) =>
        {
            quota.Apply(settings);
            return Results.Ok(quota.Current);
        });
        sandbox.MapDelete("/quota", (SandboxQuotas quota) =>
        {
            quota.Reset();
            return Results.NoContent();
        });

        // Back to the seed: users, databases, call counts, faults and caps.
        sandbox.MapPost("/reset", (SandboxSeed seed, IOptions<SandboxOptions> options, CallLog calls, FaultInjector faults, SandboxQuotas quota) =>
        {
            seed.Load(options.Value.SeedFile);
            calls.Clear();
            faults.Reset();
            quota.Reset();
            return Results.NoContent();
        });
        return routes;
    }
}
