using System.Diagnostics;
using System.Globalization;
using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>The first mistakes people make with simplebb-suggest, each answered in one clear line.</summary>
public sealed class SuggestCommandLineTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Suggest_at_a_terminal_without_revision_is_a_usage_error()
    {
        // script(1) gives the child a pseudo-terminal as stdin, as an interactive shell would.
        var info = new ProcessStartInfo("script")
        {
            ArgumentList = { "-qec", $"dotnet '{Executables.Dll("suggest")}' foo", "/dev/null" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["HOME"] = _dir.Path;

        var run = await Executables.RunAsync(info);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("simplebb-suggest: no REVISION given and standard input is a terminal", run.Stdout);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("foo", "-x")]
    public async Task Suggest_with_an_unknown_option_says_unrecognized_like_the_other_tools(params string[] args)
    {
        var suggest = await Executables.RunAsync("suggest", args);
        var builder = await Executables.RunAsync("builder", ["--bogus"]);

        Assert.Equal(2, suggest.ExitCode);
        Assert.StartsWith($"simplebb-suggest: Unrecognized command or argument '{args[^1]}'.\nTry 'simplebb-suggest --help'.", suggest.Stderr);
        Assert.StartsWith("simplebb-builder: Unrecognized command or argument '--bogus'.", builder.Stderr);
    }

    [Fact]
    public async Task Suggest_of_a_push_with_only_tags_and_deletions_prints_no_error()
    {
        var zero = new string('0', 40);
        var a = new string('a', 40);
        var stdin = $"{zero} {a} refs/tags/v1.0\n{a} {zero} refs/heads/old\n";

        var run = await Executables.RunAsync("suggest", ["foo"], stdin, new Dictionary<string, string> { ["HOME"] = _dir.Path });

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.Equal("foo: no branch created or updated, no build suggested\n", run.Stdout);
    }

    [Fact]
    public async Task Suggest_says_when_no_connected_builder_has_a_script_for_the_project()
    {
        _dir.Script("scripts", "foo", "exit 0");
        await using var server = ServerFixture.Start(_dir.Path);
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string> { ["HOME"] = _dir.Path, ["SIMPLEBB_PORT"] = port };
        var alone = await Executables.RunAsync("suggest", ["foo", "master"], env: env);
        await using var alpha = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await using var beta = BuilderFixture.Start(_dir.Path, server.Port, "beta", _dir["none"]);
        await server.WaitForBuildersAsync(2);

        var nobody = await Executables.RunAsync("suggest", ["nosuchproject", "master"], env: env);
        var some = await Executables.RunAsync("suggest", ["foo", "master"], env: env);

        Assert.Equal(0, alone.ExitCode);
        Assert.Matches(@"^foo master: build \S+ sent to 0 builders: no builder is connected, nothing will be built\n$", alone.Stdout);
        Assert.Equal(0, nobody.ExitCode);
        Assert.Matches(@"^nosuchproject master: build \S+ sent to 2 builders, but no builder has a script for nosuchproject: nothing will be built\n$",
            nobody.Stdout);
        Assert.Matches(@"^foo master: build \S+ sent to 2 builders, 1 with a script for foo\n$", some.Stdout);
    }
}
