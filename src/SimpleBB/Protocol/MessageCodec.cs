using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace SimpleBB.Protocol;

/// <summary>
/// Turns one line into a message and back. Pure functions: no I/O, no shared state but a per-thread scratch buffer,
/// so the same code serves the server, the builder, suggest and the tests.
/// </summary>
public static class MessageCodec
{
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>Encodes a message as one UTF-8 JSON line, newline included.</summary>
    public static byte[] Encode(Message message)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        message.WriteTo(writer);
        writer.Flush();
        var frame = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(frame);
        frame[^1] = (byte)'\n';
        if (buffer.Capacity > 1024 * 1024)
        {
            // A one-off huge message (a status snapshot) must not pin megabytes to this thread for good.
            t_buffer = null;
            t_writer = null;
        }
        return frame;
    }

    /// <summary>Decodes one line (without its newline). Never throws: every failure becomes an error code and reason.</summary>
    public static Decoded Decode(ReadOnlySpan<byte> line)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return Decoded.Fail(ErrorCodes.EmptyLine, "empty line; every line must be one JSON object");
        }
        if (!Utf8.IsValid(line))
        {
            return Decoded.Fail(ErrorCodes.BadUtf8, "the line is not valid UTF-8");
        }

        string? type;
        try
        {
            type = ReadType(line);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that cannot be transcoded, such as a lone surrogate escape.
            return Decoded.Fail(ErrorCodes.BadJson, "invalid JSON: " + Shorten(ex.Message));
        }
        if (type is null)
        {
            return Decoded.Fail(ErrorCodes.MissingType, "the object has no string \"type\" field");
        }

        JsonTypeInfo? info = TypeInfoFor(type);
        if (info is null)
        {
            return Decoded.Fail(ErrorCodes.UnknownType, "unknown message type \"" + Truncate(type, 40) + "\"");
        }

        try
        {
            var message = (Message?)JsonSerializer.Deserialize(line, info);
            if (message is null)
            {
                return Decoded.Fail(ErrorCodes.BadMessage, "a message must be a JSON object");
            }
            return message.Validate() is { } error ? Decoded.Fail(error.Code, $"{type}: {error.Reason}", error.Id) : Decoded.Ok(message);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Decoded.Fail(ErrorCodes.BadMessage, type + ": " + FieldProblem.Describe(info, ex));
        }
    }

    /// <summary>Decodes a line that may span several buffer segments.</summary>
    public static Decoded Decode(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return Decode(line.FirstSpan);
        }
        var length = (int)line.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            line.CopyTo(rented);
            return Decode(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Finds the top-level "type" string without building a document; also rejects anything but one object.</summary>
    private static string? ReadType(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a message must be a JSON object");
        }
        string? type = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                type = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
        // Anything after the object (a second value, garbage) makes the line invalid.
        while (reader.Read())
        {
        }
        return type;
    }

    private static JsonTypeInfo? TypeInfoFor(string type) => type switch
    {
        "hello" => ProtocolJsonContext.Default.Hello,
        "welcome" => ProtocolJsonContext.Default.Welcome,
        "error" => ProtocolJsonContext.Default.ErrorMessage,
        "suggest" => ProtocolJsonContext.Default.SuggestMessage,
        "accepted" => ProtocolJsonContext.Default.Accepted,
        "build" => ProtocolJsonContext.Default.BuildMessage,
        "result" => ProtocolJsonContext.Default.ResultMessage,
        "ack" => ProtocolJsonContext.Default.Ack,
        "ping" => ProtocolJsonContext.Default.Ping,
        "pong" => ProtocolJsonContext.Default.Pong,
        "bye" => ProtocolJsonContext.Default.Bye,
        "lost" => ProtocolJsonContext.Default.LostMessage,
        "scripts" => ProtocolJsonContext.Default.ScriptsMessage,
        "started" => ProtocolJsonContext.Default.StartedMessage,
        "status" => ProtocolJsonContext.Default.StatusRequest,
        "snapshot" => ProtocolJsonContext.Default.Snapshot,
        "event" => ProtocolJsonContext.Default.EventMessage,
        "cancel" => ProtocolJsonContext.Default.CancelMessage,
        "cancelling" => ProtocolJsonContext.Default.CancellingMessage,
        "output" => ProtocolJsonContext.Default.OutputMessage,
        _ => null,
    };

    /// <summary>Keeps the useful first part of a System.Text.Json message (drops line and byte positions).</summary>
    private static string Shorten(string message)
    {
        var cut = message.IndexOf(" | LineNumber", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        }
        return Truncate(cut > 0 ? message[..cut] : message, 200);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
