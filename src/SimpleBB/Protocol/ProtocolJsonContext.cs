using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>Source-generated serializers: no reflection at run time, trimming- and NativeAOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(Hello))]
[JsonSerializable(typeof(Welcome))]
[JsonSerializable(typeof(ErrorMessage))]
[JsonSerializable(typeof(SuggestMessage))]
[JsonSerializable(typeof(Accepted))]
[JsonSerializable(typeof(BuildMessage))]
[JsonSerializable(typeof(ResultMessage))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(Pong))]
[JsonSerializable(typeof(Bye))]
[JsonSerializable(typeof(LostMessage))]
[JsonSerializable(typeof(ScriptsMessage))]
[JsonSerializable(typeof(StartedMessage))]
[JsonSerializable(typeof(StatusRequest))]
[JsonSerializable(typeof(Snapshot))]
[JsonSerializable(typeof(EventMessage))]
[JsonSerializable(typeof(CancelMessage))]
[JsonSerializable(typeof(CancellingMessage))]
[JsonSerializable(typeof(RecordedResult))]
[JsonSerializable(typeof(OutputMessage))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
