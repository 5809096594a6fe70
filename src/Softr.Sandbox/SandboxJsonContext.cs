using System.Text.Json.Serialization;
using Softr.Sandbox.Users;

namespace Softr.Sandbox;

[JsonSerializable(typeof(SoftrError))]
[JsonSerializable(typeof(SandboxUser))]
[JsonSerializable(typeof(CreateUserBody))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
