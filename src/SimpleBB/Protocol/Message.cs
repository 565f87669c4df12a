using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>
/// One protocol message: a JSON object on one line whose <c>type</c> names the record.
/// Each record serializes itself with its source-generated type info, so encoding needs no reflection.
/// </summary>
public abstract record Message
{
    /// <summary>The wire name of the message; always written first.</summary>
    [JsonPropertyOrder(-1)]
    public abstract string Type { get; }

    /// <summary>
    /// Checks every rule of docs/protocol.md that the JSON shape alone does not (lengths, characters, contradictions);
    /// null when the message is fine. Called once, by <see cref="MessageCodec.Decode(ReadOnlySpan{byte})"/>, so every
    /// side applies the same rules in one place.
    /// </summary>
    public virtual ProtocolError? Validate() => null;

    /// <summary>Writes this message as one JSON object (without the newline).</summary>
    public abstract void WriteTo(Utf8JsonWriter writer);
}
