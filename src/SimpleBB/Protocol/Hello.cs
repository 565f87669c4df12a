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
    /// <summary>
    /// The lowest protocol version the peer speaks. Servers before negotiation accept exactly 1 here, so a peer that can
    /// still speak 1 sends 1 and names its highest version in <see cref="MaxProtocol"/>, which they ignore.
    /// </summary>
    public required int Protocol { get; init; }

    /// <summary>The highest protocol version the peer speaks; absent means the same as <see cref="Protocol"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxProtocol { get; init; }

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

    public override ProtocolError? Validate()
    {
        if (Role is not (Roles.Builder or Roles.Suggest or Roles.Status))
        {
            return new(ErrorCodes.BadRole, $"role must be \"builder\", \"suggest\" or \"status\", not \"{Names.Printable(Role)}\"");
        }
        if (Names.CheckBuilderName(Name) is { } badName)
        {
            return new(ErrorCodes.BadName, badName.Replace("builder name", $"{Role} name", StringComparison.Ordinal));
        }
        if (Protocol < 1 || MaxProtocol < Protocol)
        {
            return new(ErrorCodes.BadMessage, $"protocol must be at least 1 and maxProtocol at least protocol, not {Protocol} and {MaxProtocol}");
        }
        var problem = Names.CheckText("version", Version, ProtocolLimits.MaxVersionBytes)
            ?? (Uname is null ? null : Uname.Check())
            ?? (Runtime is null ? null : Names.CheckText("runtime", Runtime, ProtocolLimits.MaxTextBytes))
            ?? (Scripts is null ? null : ScriptInfo.CheckList(Scripts));
        return problem is null ? null : new(ErrorCodes.BadMessage, problem);
    }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Hello);
}
