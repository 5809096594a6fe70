using Softr.Sandbox.Calls;
using Softr.Sandbox.Faults;

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
        // Every app's users, each with the domain of its app ("app"); ?app= a name or a domain for one app's.
        sandbox.MapGet("/users", (string? app, SandboxApps apps) => Results.Ok(AppsNamed(apps, app).SelectMany(one => apps.UsersOf(one.Domain).All())));
        sandbox.MapGet("/users/{email}", (string email, string? app, SandboxApps apps) =>
            AppsNamed(apps, app).Select(one => apps.UsersOf(one.Domain).Find(email)).FirstOrDefault(user => user is not null) is { } user
                ? Results.Ok(user)
                : Results.NotFound());
        sandbox.MapGet("/apps", (SandboxApps apps) => Results.Ok(apps.All.Select(app => new { app.Name, app.Domain, Users = apps.UsersOf(app.Domain).All().Count })));
        sandbox.MapGet("/databases", (string? app, SandboxApps apps) => AppsNamed(apps, app).FirstOrDefault() is not { } one ? Results.NotFound() : Results.Ok(apps.DatabasesOf(one.ApiKey).All().Select(database => new
        {
            database.Id,
            database.Name,
            Tables = database.Tables.Select(table => new { table.Id, table.Name, Records = table.Records().Count }),
        })));
        sandbox.MapGet("/databases/{databaseId}/tables/{tableId}/records", (string databaseId, string tableId, string? app, SandboxApps apps) =>
            AppsNamed(apps, app).FirstOrDefault() is { } one && apps.DatabasesOf(one.ApiKey).FindTable(databaseId, tableId) is { } table ? Results.Ok(table.Records()) : Results.NotFound());

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
        sandbox.MapPost("/reset", (SandboxSeed seed, CallLog calls, FaultInjector faults, SandboxQuotas quota) =>
        {
            seed.Load();
            calls.Clear();
            faults.Reset();
            quota.Reset();
            return Results.NoContent();
        });
        return routes;
    }

    /// <summary>The app named <paramref name="app"/> (by name or domain), or every app when none is named; an unknown one gives none.</summary>
    private static IEnumerable<EmulatedApp> AppsNamed(SandboxApps apps, string? app) => string.IsNullOrEmpty(app)
        ? apps.All
        : apps.All.Where(one => string.Equals(one.Name, app, StringComparison.OrdinalIgnoreCase) || string.Equals(one.Domain, app, StringComparison.OrdinalIgnoreCase));
}
