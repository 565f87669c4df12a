using System.Globalization;
using System.Text.RegularExpressions;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Suggest;
using Xunit.Abstractions;

namespace SimpleBB.IntegrationTests;

/// <summary>
/// kill -9 of the server at random points while results are being recorded, 50 times, with three real builders that
/// are killed too: every result is recorded exactly once in the journal, has exactly one server.log line and its
/// output file, and no line of either file is torn.
/// </summary>
public sealed partial class ChaosTests(ITestOutputHelper output) : IDisposable
{
    private const string Token = "chaos-test-token";
    private const int ServerKills = 50;
    private const int BuildsPerLife = 5;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Killing_the_server_and_builders_with_kill_9_loses_doubles_and_tears_no_result()
    {
        _dir.Script("scripts", "foo", "echo \"built $1 on $SIMPLEBB_BUILD_ID\"");
        var log = _dir["server/server.log"];
        var port = EndToEndTests.FreePort();
        var random = new Random(4711);
        var builders = new[] { "b1", "b2", "b3" }.ToDictionary(name => name, name => StartBuilder(name, port));
        var builderKills = 0;
        var suggested = new List<string>();
        try
        {
            for (var life = 1; life <= ServerKills; life++)
            {
                var server = StartServer(port);
                await WaitForLifeAsync(log, life, server, builders);
                for (var i = 0; i < BuildsPerLife; i++)
                {
                    if (await TrySuggestAsync(port, $"r{life}-{i}") is { } id)
                    {
                        suggested.Add(id);
                    }
                }
                await Task.Delay(random.Next(0, 120)); // a random point of recording, not a wait for anything
                await server.KillHardAsync();
                await server.DisposeAsync();
                if (life % 10 == 5)
                {
                    var victim = $"b{1 + (life / 10 % 3)}";
                    await builders[victim].KillHardAsync();
                    await builders[victim].DisposeAsync();
                    builders[victim] = StartBuilder(victim, port);
                    builderKills++;
                }
            }

            await using var last = StartServer(port);
            await WaitForLifeAsync(log, ServerKills + 1, last, builders);
            var final = await TrySuggestAsync(port, "final") ?? throw new InvalidOperationException("the last server refused a suggestion");
            suggested.Add(final);
            var journal = _dir["server/simplebb.db"];
            await Eventually.TrueAsync(() => StoreFile.Entries(journal).Count(e => e.Id == final) == 3, "the final build on every builder",
                TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(() => builders.Keys.All(b => OutboxCount(b) == 0), "every outbox to be delivered", TimeSpan.FromSeconds(60));
            Assert.Equal(0, await last.TerminateAsync());
        }
        finally
        {
            foreach (var builder in builders.Values)
            {
                await builder.DisposeAsync();
            }
        }

        var entries = StoreFile.Entries(_dir["server/simplebb.db"]);
        var lines = ResultLines(log);
        output.WriteLine($"{suggested.Count} builds, {entries.Count} results, {ServerKills} server kills, {builderKills} builder kills");
        Assert.True(suggested.Count >= 200, $"only {suggested.Count} builds were suggested");
        Assert.True(entries.Count >= 400, $"only {entries.Count} results were recorded");
        Assert.Empty(entries.GroupBy(e => e).Where(g => g.Count() > 1).Select(g => g.Key)); // none doubled in the store
        Assert.Empty(lines.GroupBy(e => e).Where(g => g.Count() > 1).Select(g => g.Key)); // none doubled in server.log
        Assert.Equal(entries.Order(), lines.Order()); // every stored result has its line, and no line lacks a result
        Assert.All(entries, e => Assert.True(File.Exists(_dir[$"server/logs/foo/{e.Id}-{e.Builder}.log"]), $"output file of {e}"));
        Assert.All(entries, e => Assert.Contains(e.Id, suggested));
        Assert.All(Lines(log), line => Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[", line));

        // What the builders finished is recorded, except at most the one build a builder killed with kill -9 had
        // finished but not yet stored in its outbox.
        var finished = builders.Keys.SelectMany(b => Finished(b).Select(id => (id, b))).ToHashSet();
        var missing = finished.Except(entries.Select(e => (e.Id, e.Builder))).ToList();
        Assert.True(missing.Count <= builderKills, $"finished but never recorded: {string.Join(", ", missing)}");
    }

    private ChildProcess StartServer(int port) => ChildProcess.Start("server",
        ["--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", _dir["server/server.log"], "--quiet", "--token", Token]);

    private ChildProcess StartBuilder(string name, int port) => ChildProcess.Start("builder",
        [.. Folder(_dir[name]), "--port", port.ToString(CultureInfo.InvariantCulture), "--name", name, "--scripts", _dir["scripts"], "--data-dir", _dir[name],
         "--log-file", _dir[$"{name}/builder.log"], "--quiet", "--token", Token],
        new Dictionary<string, string> { ["HOME"] = _dir[name] });

    /// <summary>Creates the folder; returns no arguments (so it can run inside an argument list).</summary>
    private static string[] Folder(string path)
    {
        Directory.CreateDirectory(path);
        return [];
    }

    /// <summary>Waits for the server's <paramref name="life"/>th start and for all three builders to connect to it.</summary>
    private static async Task WaitForLifeAsync(string log, int life, ChildProcess server, Dictionary<string, ChildProcess> builders)
    {
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == life, $"server start {life}\n{server.Output}");
        await Eventually.TrueAsync(() => ConnectedSinceLastStart(log) >= 3, $"three builders connected to server start {life}\n{server.Output}\n"
            + string.Join('\n', builders.Select(b => $"{b.Key}: {b.Value.Output}")) + "\n" + LogFiles.Read(log), TimeSpan.FromSeconds(30));
    }

    private static int ConnectedSinceLastStart(string log)
    {
        var lines = Lines(log);
        var start = Array.FindLastIndex(lines, l => l.Contains("listening on", StringComparison.Ordinal));
        return lines.Skip(start).Where(l => l.Contains(" connected from ", StringComparison.Ordinal))
            .Select(l => l.Split(" connected from ")[0].Split(' ')[^1]).Distinct().Count();
    }

    private static async Task<string?> TrySuggestAsync(int port, string revision)
    {
        try
        {
            var outcome = (await SuggestClient.SuggestAsync("127.0.0.1", port, "chaos", "foo", [revision], TimeSpan.FromSeconds(10), CancellationToken.None, Token)).Single();
            return outcome.BuildId;
        }
        catch (Exception ex) when (ex is ProtocolClientException or TimeoutException)
        {
            return null;
        }
    }

    private int OutboxCount(string builder) =>
        Directory.Exists(_dir[$"{builder}/outbox"]) ? Directory.GetFiles(_dir[$"{builder}/outbox"], "*.result").Length : 0;

    private IEnumerable<string> Finished(string builder) =>
        Lines(_dir[$"{builder}/builder.log"]).Select(l => FinishedLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    private static List<(string Id, string Builder)> ResultLines(string log) =>
        [.. Lines(log).Select(l => ResultLine().Match(l)).Where(m => m.Success).Select(m => (m.Groups["id"].Value, m.Groups["builder"].Value))];

    private static string[] Lines(string path) => File.Exists(path) ? LogFiles.Lines(path) : [];

    [GeneratedRegex(@"\] (?:SUCCESS|FAILED -?\d+|TIMEOUT|N/A) \S+ on (?<builder>\S+) \(.*\[build (?<id>[^\]]+)\] from ")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"Finished foo/\S+: .*\[build ([^\]]+)\]")]
    private static partial Regex FinishedLine();
}
