using Softr.Database;
using Softr.Users;

namespace Softr;

/// <summary>
/// Makes each connection's clients on the two named HTTP clients that <see cref="SoftrServiceCollectionExtensions.AddSoftrClient"/>
/// registers (their handlers are pooled by the factory; the resilience handler keeps a pipeline, and so a circuit, per
/// connection, and the budget per token; the connection only sets the base address and the headers). Cheap: an
/// <see cref="HttpClient"/> from the factory is a thin wrapper.
/// </summary>
public sealed class SoftrClients(IHttpClientFactory httpClients, SoftrConnections connections) : ISoftrClients
{
    /// <summary>The named HTTP client the Users API is called through (named as the typed client was, so handlers added to it still apply).</summary>
    public const string UsersClientName = nameof(ISoftrUsersClient);

    /// <summary>The named HTTP client the Database API is called through.</summary>
    public const string DatabaseClientName = nameof(ISoftrDatabaseClient);

    /// <inheritdoc />
    public SoftrConnections Connections => connections;

    /// <inheritdoc />
    public ISoftrUsersClient Users(string? connection = null)
    {
        var resolved = connections.Get(connection);
        return new SoftrUsersClient(Client(UsersClientName, resolved.UsersApiBaseUrl), resolved);
    }

    /// <inheritdoc />
    public ISoftrDatabaseClient Database(string? connection = null)
    {
        var resolved = connections.Get(connection);
        return new SoftrDatabaseClient(Client(DatabaseClientName, resolved.DatabaseApiBaseUrl), resolved);
    }

    private HttpClient Client(string name, Uri baseUrl)
    {
        var client = httpClients.CreateClient(name);
        // HttpClient resolves "users" against the base URL's last segment unless the base ends with '/'.
        client.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        // The pipeline's total timeout governs; HttpClient's own 100 s would cut across it.
        client.Timeout = Timeout.InfiniteTimeSpan;
        return client;
    }
}
