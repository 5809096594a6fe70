using System.Text.Json.Serialization;

namespace Softr.Functions.Processing;

/// <summary>
/// One HTTP call to Softr as a step's record keeps it: the method, the path with e-mails masked (the
/// Users API puts them in its paths), Softr's status code (0: no answer) and how long it took.
/// </summary>
public sealed record SoftrCallRecord(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("ms")] long Milliseconds)
{
    public override string ToString() => $"{Method} {Path} → {(Status == 0 ? "no answer" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} in {Milliseconds} ms";
}
