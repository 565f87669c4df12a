using System.Diagnostics;
using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>The example post-receive hook in a real bare repository, fed by a real git push.</summary>
public sealed class GitHookTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Pushing_to_a_repository_with_the_example_hook_builds_each_pushed_branch()
    {
        _dir.Script("scripts", "webapp", "echo built \"$1\"");
        await using var server = ServerFixture.Start(_dir.Path);
        ServerPort = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        // simplebb-suggest on the PATH, as the hook expects.
        _dir.Script("bin", "simplebb-suggest", $"exec dotnet \"{Executables.Dll("suggest")}\" \"$@\"");
        var (bare, work) = await RepositoryWithHookAsync();
        await GitAsync(work, "tag", "v1");

        var push = await GitAsync(work, "push", bare, "HEAD:refs/heads/master", "HEAD:refs/heads/feature/login", "v1");

        await server.WaitForLogAsync("SUCCESS webapp/master on alpha");
        await server.WaitForLogAsync("SUCCESS webapp/feature/login on alpha");
        Assert.Contains("webapp master: build", push);
        Assert.DoesNotContain("webapp/v1", server.Log);
    }

    [Fact]
    public async Task Pushing_with_simplebb_suggest_missing_from_the_PATH_says_no_build_was_suggested_and_how_to_fix_it()
    {
        var (bare, work) = await RepositoryWithHookAsync();

        var push = await GitAsync(work, "push", bare, "HEAD:refs/heads/master");

        Assert.Contains("simplebb: NO BUILD SUGGESTED for webapp: simplebb-suggest is not on the PATH of user", push);
        Assert.Contains("or set SUGGEST at the top of", push);
        Assert.DoesNotContain("not found", push);
    }

    [Fact]
    public async Task Pushing_only_a_tag_prints_nothing_that_looks_like_an_error()
    {
        _dir.Script("bin", "simplebb-suggest", $"exec dotnet \"{Executables.Dll("suggest")}\" \"$@\"");
        var (bare, work) = await RepositoryWithHookAsync();
        await GitAsync(work, "tag", "v1");

        var push = await GitAsync(work, "push", bare, "v1");

        Assert.Contains("remote: webapp: no branch created or updated, no build suggested", push);
        Assert.DoesNotContain("simplebb-suggest:", push);
    }

    /// <summary>A bare repository webapp.git with the example hook, and a clone-to-be with one commit to push.</summary>
    private async Task<(string Bare, string Work)> RepositoryWithHookAsync()
    {
        var bare = _dir["webapp.git"];
        await GitAsync(_dir.Path, "init", "--quiet", "--bare", bare);
        File.Copy(Path.Combine(Executables.RepositoryRoot, "examples", "post-receive"), Path.Combine(bare, "hooks", "post-receive"));
        File.SetUnixFileMode(Path.Combine(bare, "hooks", "post-receive"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var work = _dir["work"];
        await GitAsync(_dir.Path, "init", "--quiet", work);
        await GitAsync(work, "commit", "--quiet", "--allow-empty", "-m", "first");
        return (bare, work);
    }

    private async Task<string> GitAsync(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=master" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["PATH"] = _dir["bin"] + ":" + Environment.GetEnvironmentVariable("PATH");
        info.Environment["HOME"] = _dir.Path;
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("SIMPLEBB_", StringComparison.Ordinal) || k.StartsWith("GIT_", StringComparison.Ordinal)).ToArray())
        {
            info.Environment.Remove(key);
        }
        info.Environment["SIMPLEBB_PORT"] = ServerPort;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)} failed:\n{output}");
        return output;
    }

    private string ServerPort { get; set; } = "";
}
