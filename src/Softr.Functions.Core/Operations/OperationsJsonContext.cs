using System.Text.Json.Serialization;

namespace Softr.Functions.Operations;

[JsonSerializable(typeof(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>))]
internal sealed partial class OperationsJsonContext : JsonSerializerContext;
