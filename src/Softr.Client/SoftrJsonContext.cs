using System.Text.Json.Serialization;
using Softr.Database;
using Softr.Users;

namespace Softr;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(SoftrUser))]
[JsonSerializable(typeof(MagicLinkResponse))]
[JsonSerializable(typeof(SyncUsersRequest))]
[JsonSerializable(typeof(SoftrErrorBody))]
[JsonSerializable(typeof(ListEnvelope<SoftrDatabase>))]
[JsonSerializable(typeof(ListEnvelope<SoftrTable>))]
[JsonSerializable(typeof(DataEnvelope<SoftrTable>))]
[JsonSerializable(typeof(ListEnvelope<SoftrRecord>))]
[JsonSerializable(typeof(DataEnvelope<SoftrRecord>))]
[JsonSerializable(typeof(RecordWrite))]
[JsonSerializable(typeof(RecordSearch))]
internal sealed partial class SoftrJsonContext : JsonSerializerContext;
