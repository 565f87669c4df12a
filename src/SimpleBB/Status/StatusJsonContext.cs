using System.Text.Json.Serialization;
using SimpleBB.Protocol;

namespace SimpleBB.Status;

/// <summary>Indented JSON for simplebb-status --json (source-generated, no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(Snapshot))]
[JsonSerializable(typeof(EventMessage))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
