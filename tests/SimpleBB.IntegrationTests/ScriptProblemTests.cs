using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>The usual mistakes in a build script are reported with what to do, and such a script is not offered.</summary>
public sealed class ScriptProblemTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("noexec", "#!/bin/sh\necho hi\n", false, "it is not executable: run chmod +x")]
    [InlineData("crlf", "#!/bin/sh\r\necho hi\r\n", true, "its #! line ends with a carriage return (Windows line endings)")]
    [InlineData("noshebang", "echo hi\n", true, "it does not start with a #! line naming its interpreter")]
    [InlineData("nointerpreter", "#!/nonexistent/bash\necho hi\n", true, "its interpreter /nonexistent/bash (named in the #! line) does not exist")]
    public async Task A_script_that_cannot_start_is_reported_with_what_to_do_and_not_offered(string project, string content, bool executable,
        string advice)
    {
        Directory.CreateDirectory(_dir["scripts"]);
        var script = _dir[$"scripts/{project}"];
        File.WriteAllText(script, content);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | (executable ? UnixFileMode.UserExecute : 0));
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        var outcome = Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", project, ["main"],
            TimeSpan.FromSeconds(10), CancellationToken.None));

        await server.WaitForLogAsync($"FAILED -1 {project}/main on alpha");
        Assert.Equal(0, outcome.WithScript);
        Assert.Contains($"{script} is not offered as a build script: {advice}", builder.Log);
        await Eventually.TrueAsync(() => builder.Log.Contains($"cannot start {script}: {advice}", StringComparison.Ordinal), "the reason\n" + builder.Log);
    }

    [Fact]
    public async Task A_revision_that_passes_with_one_copy_of_a_script_and_fails_with_another_names_the_script_as_the_difference()
    {
        _dir.Script("good", "app", "exit 0");
        _dir.Script("bad", "app", "exit 3");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var alpha = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["good"]);
        await using var beta = BuilderFixture.Start(_dir.Path, server.Port, "beta", _dir["bad"]);
        await server.WaitForBuildersAsync(2);

        await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "app", ["main"], TimeSpan.FromSeconds(10), CancellationToken.None);

        await server.WaitForLogAsync("MACHINE-SPECIFIC app/main");
        var warning = LogFiles.Lines(server.LogPath).Single(l => l.Contains("MACHINE-SPECIFIC", StringComparison.Ordinal));
        Assert.Matches(@"differs in build script \(passes with SHA-256 [0-9a-f]{8}; fails with SHA-256 [0-9a-f]{8}\)$", warning);
        Assert.DoesNotContain("no difference", warning);
    }
}
