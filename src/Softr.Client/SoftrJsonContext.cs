using System.Text.Json.Serialization;
using Softr.Users;

namespace Softr;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(SoftrUser))]
[JsonSerializable(typeof(SoftrErrorBody))]
internal sealed partial class SoftrJsonContext : JsonSerializerContext;
