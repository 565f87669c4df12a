using System.Reflection;
using System.Runtime.InteropServices;

namespace SimpleBB.Hosting;

/// <summary>Version strings sent in hello/welcome and results.</summary>
public static class ProductInfo
{
    /// <summary>
    /// The assembly's informational version ("0.2.0+&lt;commit&gt;"), read once: reading an attribute is reflection,
    /// which costs a NativeAOT executable a noticeable part of its start.
    /// </summary>
    private static readonly string Informational =
        typeof(ProductInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>SimpleBB's version, without the source revision suffix.</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// The short commit this was built from (the SDK appends it to the informational version when it builds from a
    /// git clone), or null for a build from a plain source tree.
    /// </summary>
    public static string? Commit { get; } = ReadCommit();

    /// <summary>The runtime that runs this process, e.g. ".NET 10.0.12".</summary>
    public static string Runtime { get; } = RuntimeInformation.FrameworkDescription;

    /// <summary>What --version prints: "simplebb-server 0.2.0 (commit abc1234)", one line, as people paste it in reports.</summary>
    public static string VersionLine(string program) => Commit is { } commit ? $"{program} {Version} (commit {commit})" : $"{program} {Version}";

    private static string ReadVersion()
    {
        var informational = Informational;
        var plus = informational.IndexOf('+');
        return plus < 0 ? informational : informational[..plus];
    }

    private static string? ReadCommit()
    {
        var informational = Informational;
        var plus = informational.IndexOf('+');
        var commit = plus < 0 ? "" : informational[(plus + 1)..];
        return commit.Length >= 7 && commit.All(char.IsAsciiHexDigit) ? commit[..7] : null;
    }
}
