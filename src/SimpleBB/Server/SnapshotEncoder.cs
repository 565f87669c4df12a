using System.Buffers;
using System.Text.Json;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Encodes a status snapshot as the protocol line <see cref="MessageCodec.Encode"/> makes (byte for byte), but keeps
/// each result's JSON from the previous snapshot: results never change once recorded (a newer one replaces them), so
/// a fresh snapshot of 10,000 results only encodes the new ones and copies the rest, in about a millisecond instead of
/// tens. What it keeps is one encoded copy per current result; replaced results are forgotten at the next snapshot.
/// </summary>
internal sealed class SnapshotEncoder
{
    private readonly Lock _gate = new();
    private Dictionary<RecordedResult, byte[]> _encoded = new(ReferenceEqualityComparer.Instance);
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);
    private int _lastSize = 16 * 1024;
    private Utf8JsonWriter? _one;

    /// <summary>The snapshot as one line, newline included.</summary>
    public ReadOnlyMemory<byte> Encode(Snapshot snapshot)
    {
        lock (_gate)
        {
            var encoded = new Dictionary<RecordedResult, byte[]>(snapshot.Results.Length, ReferenceEqualityComparer.Instance);
            // Sized from the last snapshot, so a large one is written without growing (and copying) its buffer.
            var output = new ArrayBufferWriter<byte>(_lastSize + _lastSize / 8 + 1024);
            using (var writer = new Utf8JsonWriter(output, MessageCodec.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, snapshot.Type);
                writer.WritePropertyName("builders"u8);
                JsonSerializer.Serialize(writer, snapshot.Builders, ProtocolJsonContext.Default.BuilderStatusArray);
                writer.WritePropertyName("results"u8);
                writer.WriteStartArray();
                foreach (var result in snapshot.Results)
                {
                    if (!_encoded.TryGetValue(result, out var json))
                    {
                        json = EncodeOne(result);
                    }
                    encoded.TryAdd(result, json);
                    writer.WriteRawValue(json, skipInputValidation: true);
                }
                writer.WriteEndArray();
                if (snapshot.RecordingPaused is { } paused)
                {
                    writer.WriteString("recordingPaused"u8, paused);
                }
                writer.WriteEndObject();
            }
            output.GetSpan(1)[0] = (byte)'\n';
            output.Advance(1);
            _encoded = encoded;
            _lastSize = output.WrittenCount;
            return output.WrittenMemory;
        }
    }

    private byte[] EncodeOne(RecordedResult result)
    {
        _scratch.ResetWrittenCount();
        var writer = _one ??= new Utf8JsonWriter(_scratch, MessageCodec.WriterOptions);
        writer.Reset(_scratch);
        JsonSerializer.Serialize(writer, result, ProtocolJsonContext.Default.RecordedResult);
        writer.Flush();
        return _scratch.WrittenSpan.ToArray();
    }
}
