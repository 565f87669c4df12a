using System.Reflection;
using System.Runtime.InteropServices;

namespace SimpleBB.Hosting;

/// <summary>Version strings sent in hello/welcome and results.</summary>
public static class ProductInfo
{
    /// <summary>SimpleBB's version, without the source revision suffix.</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>The runtime that runs this process, e.g. ".NET 10.0.12".</summary>
    public static string Runtime { get; } = RuntimeInformation.FrameworkDescription;

    private static string ReadVersion()
    {
        var informational = typeof(ProductInfo).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        return plus < 0 ? informational : informational[..plus];
    }
}
