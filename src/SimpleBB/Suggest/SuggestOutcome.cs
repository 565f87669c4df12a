namespace SimpleBB.Suggest;

/// <summary>The server's answer to one suggestion: the build id and builder count, or its error.</summary>
public sealed record SuggestOutcome(string Revision, string? BuildId, int Builders, string? ErrorCode, string? Error);
