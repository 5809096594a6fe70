using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;

namespace Softr.Functions.Tests.Simulation;

/// <summary>A storage answer as the Azure SDK gives it back: a status and, for writes, an ETag header.</summary>
internal sealed class SimResponse(int status, string? etag = null) : Response
{
    public override int Status => status;

    public override string ReasonPhrase => "";

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = "";

    public override void Dispose()
    {
    }

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        value = string.Equals(name, "ETag", StringComparison.OrdinalIgnoreCase) ? etag : null;
        return value is not null;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = TryGetHeader(name, out var value) ? [value] : null;
        return values is not null;
    }

    protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => etag is null ? [] : [new HttpHeader("ETag", etag)];
}

/// <summary>A "get if exists" answer.</summary>
internal sealed class SimNullableResponse<T>(T? value) : NullableResponse<T>
{
    public override bool HasValue => value is not null;

    public override T? Value => value;

    public override Response GetRawResponse() => new SimResponse(value is null ? 404 : 200);
}

/// <summary>Pages that the scheduler may interleave before they are read (the query runs when the first page is asked for).</summary>
internal sealed class SimPageable<T>(Func<CancellationToken, Task<IReadOnlyList<T>>> query, CancellationToken cancellationToken) : AsyncPageable<T>
    where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        var values = await query(cancellationToken).ConfigureAwait(false);
        yield return Page<T>.FromValues(values, null, new SimResponse(200));
    }
}
