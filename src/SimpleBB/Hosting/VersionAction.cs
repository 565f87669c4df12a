using System.CommandLine;
using System.CommandLine.Invocation;

namespace SimpleBB.Hosting;

/// <summary>
/// Replaces System.CommandLine's --version output (a bare "0.2.0+3f2a…" hash) with the one line a bug report needs:
/// program name, version and short commit.
/// </summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(ProductInfo.VersionLine(parseResult.RootCommandResult.Command.Name));
        return ExitCodes.Ok;
    }
}
