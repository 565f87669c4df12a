using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>First message of every connection: who the peer is and what it speaks.</summary>
public sealed record Hello : Message
{
    public override string Type => "hello";
    public required string Role { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required int Protocol { get; init; }

    /// <summary>Builders: the machine, so status can show it before the first result.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Uname? Uname { get; init; }

    /// <summary>Builders: the runtime, e.g. ".NET 10.0.12".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Runtime { get; init; }

    /// <summary>Builders: the scripts it has (project name and SHA-256 of each).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScriptInfo[]? Scripts { get; init; }

    /// <summary>The server's shared secret; required unless the server runs with --no-auth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Hello);
}
