using System.Text.Json.Serialization;
using SimpleBB.Protocol;

namespace SimpleBB.Web;

/// <summary>
/// Source-generated JSON for the /api answers, with the protocol's settings (camelCase, nulls as the types say), so a
/// result or builder here has exactly the shape it has in <c>simplebb-status --json</c>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(RecordedResult[]))]
[JsonSerializable(typeof(ProjectSummary[]))]
[JsonSerializable(typeof(BuilderReport))]
internal sealed partial class WebJsonContext : JsonSerializerContext;
