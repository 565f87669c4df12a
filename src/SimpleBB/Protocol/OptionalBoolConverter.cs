using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>
/// An optional boolean may be omitted or null, and both mean false: the protocol's one rule for optional fields
/// ("null is the same as absent"), which System.Text.Json applies to references but not to a plain bool.
/// </summary>
public sealed class OptionalBoolConverter : JsonConverter<bool>
{
    public override bool HandleNull => true;

    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw new JsonException("expected true, false or null"),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}
