using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>One recorded result waiting for its hook, with what the hook is told besides the entry.</summary>
/// <param name="Entry">The journal entry, without its output (the output is in <paramref name="OutputFile"/>).</param>
/// <param name="LastResult">The outcome word of the previous result of the same project on the same builder, or null.</param>
/// <param name="OutputFile">Full path of the result's output file, or null when the result had no output.</param>
internal sealed record HookItem(RecordedResult Entry, string? LastResult, string? OutputFile);
