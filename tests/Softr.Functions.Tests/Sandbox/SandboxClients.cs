using Softr.Database;
using Softr.Functions.Tests.Contract;
using Softr.Users;

namespace Softr.Functions.Tests.Sandbox;

/// <summary>Both Softr clients wired straight to an in-memory sandbox, recording every answer.</summary>
internal sealed class SandboxClients
{
    public SandboxClients(SandboxHost sandbox, string apiKey = SandboxHost.ApiKey, string domain = SandboxHost.Domain)
    {
        Recorder = new RecordingHandler(sandbox.CreateHandler());
        var options = SoftrConnections.Resolve(new SoftrClientOptions { ApiKey = apiKey, Domain = domain })[SoftrConnection.DefaultName];
        Users = new SoftrUsersClient(new HttpClient(Recorder, disposeHandler: false) { BaseAddress = new Uri("http://sandbox/v1/api/") }, options);
        Database = new SoftrDatabaseClient(new HttpClient(Recorder, disposeHandler: false) { BaseAddress = new Uri("http://sandbox/api/v1/") }, options);
    }

    public RecordingHandler Recorder { get; }

    public SoftrUsersClient Users { get; }

    public SoftrDatabaseClient Database { get; }
}
