using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace SimpleBB.Bench;

/// <summary>
/// A results store as a server has it after a year of use (1,000,000 results; 20,000 with --quick), made once per run
/// and only on first use, so that runs without the history phase pay nothing. The working tree's server creates the
/// file and its schema (an empty start), and the rows are then inserted directly in one transaction: through the
/// server's protocol a million results would take minutes. Each server start gets its own copy (<see cref="CopyTo"/>),
/// so no start can change what the next one reads.
/// </summary>
public sealed class HistorySample
{
    /// <summary>The store schema (SQLite user_version) whose columns <see cref="InsertRows"/> writes.</summary>
    private const int Schema = 1;

    private const int BuildersPerBuild = 10;

    /// <summary>Cursor names of ResultRecorder: each at the last result, so a start has nothing to catch up.</summary>
    private static readonly string[] Cursors = ["server.log", "output-files", "hooks"];

    private static readonly string[] ProjectNames =
    [
        "api-gateway", "billing", "cli", "compiler", "docs", "frontend", "image-tools", "indexer", "libcore", "mailer",
        "mobile-sync", "notifier", "parser", "payments", "reports", "scheduler", "search", "storage", "telemetry", "website",
    ];

    /// <summary>Builder name, uname release, version and machine, runtime: ten machines that differ the way real ones do.</summary>
    private static readonly (string Name, string Release, string Version, string Machine, string Runtime)[] BuilderMachines =
    [
        ("debian12-x64", "6.1.0-28-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)", "x86_64", ".NET 10.0.5"),
        ("debian12-arm64", "6.1.0-28-arm64", "#1 SMP Debian 6.1.119-1 (2024-11-22)", "aarch64", ".NET 10.0.5"),
        ("debian11-x64", "5.10.0-33-amd64", "#1 SMP Debian 5.10.226-1 (2024-10-03)", "x86_64", ".NET 10.0.4"),
        ("ubuntu24-x64", "6.8.0-51-generic", "#52-Ubuntu SMP PREEMPT_DYNAMIC Thu Dec  5 13:09:44 UTC 2024", "x86_64", ".NET 10.0.5"),
        ("ubuntu24-arm64", "6.8.0-51-generic", "#52-Ubuntu SMP PREEMPT_DYNAMIC Thu Dec  5 13:32:09 UTC 2024", "aarch64", ".NET 10.0.5"),
        ("ubuntu22-x64", "5.15.0-127-generic", "#137-Ubuntu SMP Fri Nov 8 15:21:01 UTC 2024", "x86_64", ".NET 10.0.3"),
        ("fedora41-x64", "6.12.6-200.fc41.x86_64", "#1 SMP PREEMPT_DYNAMIC Thu Dec 19 21:06:34 UTC 2024", "x86_64", ".NET 10.0.5"),
        ("rhel9-x64", "5.14.0-503.15.1.el9_5.x86_64", "#1 SMP PREEMPT_DYNAMIC Tue Nov 26 06:32:17 EST 2024", "x86_64", ".NET 10.0.4"),
        ("alpine321-x64", "6.12.8-0-lts", "#1-Alpine SMP PREEMPT_DYNAMIC 2025-01-03 13:40:14", "x86_64", ".NET 10.0.5"),
        ("arch-x64", "6.12.9-arch1-1", "#1 SMP PREEMPT_DYNAMIC Fri, 10 Jan 2025 00:39:41 +0000", "x86_64", ".NET 10.0.5"),
    ];

    private readonly string _folder;
    private readonly string _bin;
    private readonly int _results;
    private Task<HistoryFacts>? _made;

    /// <param name="folder">Where the sample is made (inside the run's temp folder: deleted with it).</param>
    /// <param name="bin">The executables whose server creates the schema (the working tree's).</param>
    /// <param name="results">Results in the store; a multiple of 10 (every build has a result from each builder).</param>
    public HistorySample(string folder, string bin, int results)
    {
        _folder = folder;
        _bin = bin;
        _results = results;
    }

    /// <summary>The sample, made on the first call; later calls (other sides, other rounds) share it.</summary>
    public Task<HistoryFacts> GetAsync(CancellationToken cancellationToken) => _made ??= MakeAsync(cancellationToken);

    /// <summary>Copies the store into <paramref name="folder"/> as simplebb.db (where a server started there opens it); returns the time taken.</summary>
    public static TimeSpan CopyTo(HistoryFacts facts, string folder)
    {
        Directory.CreateDirectory(folder);
        var start = Stopwatch.GetTimestamp();
        File.Copy(facts.StoreFile, Path.Combine(folder, "simplebb.db"), overwrite: true);
        return Stopwatch.GetElapsedTime(start);
    }

    private async Task<HistoryFacts> MakeAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        Benchmark.Progress($"history: making a store of {_results:N0} results");
        var folder = Path.Combine(_folder, "schema");
        // The server's own empty start creates the file with its schema and settings (WAL, auto_vacuum): the sample
        // is what that version of the server would have grown, not the benchmark's idea of its schema.
        await using (var server = await ServerProcess.StartAsync(_bin, folder, cancellationToken).ConfigureAwait(false))
        {
            // Listening means the store is open (the server opens it first); stopping closes it cleanly.
        }
        var store = Path.Combine(folder, "simplebb.db");
        if (!File.Exists(store))
        {
            throw new IOException($"simplebb-server in {_bin} made no results store ({store}) on its first start");
        }
        var facts = await Task.Run(() => InsertRows(store), cancellationToken).ConfigureAwait(false);
        facts = facts with { Bytes = new FileInfo(store).Length, Generation = Stopwatch.GetElapsedTime(start) };
        Benchmark.Progress($"history: {facts.Results:N0} results in {facts.Generation.TotalSeconds:0.0} s, {facts.Bytes / 1048576.0:0} MB");
        return facts;
    }

    /// <summary>
    /// Inserts ~<see cref="_results"/>/10 builds with a result from each of 10 builders, over the past year, in one
    /// transaction with prepared commands, and puts every projection's cursor at the end.
    /// </summary>
    private HistoryFacts InsertRows(string store)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store, Pooling = false }.ToString());
        connection.Open();
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (version != Schema)
        {
            throw new InvalidOperationException(
                $"the results store has schema {version}; the history phase writes rows of schema {Schema} (update HistorySample.InsertRows)");
        }
        // A throw-away file until it is done: no journal, no syncs, a large cache for the indexes. WAL again at the
        // end, as the server left it (the mode is kept in the file).
        Execute(connection, "PRAGMA journal_mode = OFF");
        Execute(connection, "PRAGMA synchronous = OFF");
        Execute(connection, "PRAGMA cache_size = -262144");

        var random = new Random(20261205);
        var builds = _results / BuildersPerBuild;
        // The newest build an hour ago: every result has finished before now.
        var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)TimeSpan.FromHours(1).TotalMilliseconds;
        var begin = end - (long)TimeSpan.FromDays(365).TotalMilliseconds;
        var spacing = (end - begin) / builds;
        // Some projects are busier than others: the weight of project i is 1/(i+1), so the busiest gets ~28% of builds.
        var weights = Enumerable.Range(0, ProjectNames.Length).Select(i => 1.0 / (i + 1)).ToArray();
        var total = weights.Sum();
        var cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i] / total;
            cumulative[i] = sum;
        }
        // Each project's typical build time, and per builder a speed factor (the arm64 boxes are slower).
        var projectSeconds = ProjectNames.Select(_ => 10 + random.Next(600)).ToArray();
        var builderSpeed = BuilderMachines.Select(m => m.Machine == "aarch64" ? 1.6 : 0.8 + random.NextDouble() * 0.4).ToArray();
        // A builder without a script for a project answers n/a: two such pairs.
        var notApplicable = new HashSet<(int Project, int Builder)> { (18, 8), (19, 1) };
        var scriptHashes = new Dictionary<(int, int, long), string>();

        using var transaction = connection.BeginTransaction();
        using var insertBuild = Prepared(connection, transaction,
            "INSERT INTO builds (id, project, revision, suggested, suggested_by, builders) VALUES ($id, $project, $revision, $suggested, $by, $builders)",
            "$id", "$project", "$revision", "$suggested", "$by", "$builders");
        using var insertResult = Prepared(connection, transaction,
            "INSERT INTO results (build_id, builder, project, revision, kind, exit_code, duration_ms, sysname, nodename, release, version, " +
            "machine, runtime, script_sha256, finished, address, output) VALUES ($build, $builder, $project, $revision, $kind, $exit, " +
            "$duration, $sysname, $nodename, $release, $version, $machine, $runtime, $sha, $finished, $address, $output)",
            "$build", "$builder", "$project", "$revision", "$kind", "$exit", "$duration", "$sysname", "$nodename", "$release", "$version",
            "$machine", "$runtime", "$sha", "$finished", "$address", "$output");
        var b = insertBuild.Parameters;
        var r = insertResult.Parameters;
        r["$sysname"].Value = "Linux";
        var busiest = 0;
        string? oldBuild = null;
        long results = 0;
        var finishedOrder = new (long Finished, int Builder, long Duration)[BuildersPerBuild];
        var output = new StringBuilder(1024);
        var revisionBytes = new byte[20];
        var (epoch, counter) = (0L, 0);
        for (var i = 0; i < builds; i++)
        {
            var suggested = begin + i * spacing + random.Next((int)Math.Min(spacing, int.MaxValue));
            // The server restarted every two weeks or so: ids are "<start time in base 36>-<n>" (BuildIds).
            var serverStart = suggested - suggested % (14L * 24 * 3600 * 1000);
            (epoch, counter) = serverStart == epoch ? (epoch, counter + 1) : (serverStart, 1);
            var id = Base36(epoch) + "-" + counter.ToString(CultureInfo.InvariantCulture);
            var draw = random.NextDouble();
            var project = Array.FindIndex(cumulative, c => draw <= c);
            project = project < 0 ? ProjectNames.Length - 1 : project;
            random.NextBytes(revisionBytes);
            var revision = Convert.ToHexStringLower(revisionBytes);
            b["$id"].Value = id;
            b["$project"].Value = ProjectNames[project];
            b["$revision"].Value = revision;
            b["$suggested"].Value = suggested;
            b["$by"].Value = $"10.0.2.{10 + project % 5}:{40000 + random.Next(20000)}";
            b["$builders"].Value = BuildersPerBuild;
            insertBuild.ExecuteNonQuery();
            oldBuild ??= id;

            // A broken revision fails everywhere; otherwise a flaky failure or a timeout here and there.
            var broken = random.NextDouble() < 0.05;
            for (var builder = 0; builder < BuildersPerBuild; builder++)
            {
                var seconds = projectSeconds[project] * builderSpeed[builder] * (0.8 + random.NextDouble() * 0.4);
                var duration = (long)(seconds * 1000);
                finishedOrder[builder] = (suggested + 200 + duration, builder, duration);
            }
            Array.Sort(finishedOrder);
            foreach (var (finished, builder, duration) in finishedOrder)
            {
                var machine = BuilderMachines[builder];
                var (kind, exit) = notApplicable.Contains((project, builder)) ? ("n-a", -1)
                    : broken ? ("failed", 1 + random.Next(2))
                    : random.NextDouble() < 0.02 ? ("failed", 1)
                    : random.NextDouble() < 0.005 ? ("timeout", 137)
                    : ("success", 0);
                var month = finished / (30L * 24 * 3600 * 1000);
                if (!scriptHashes.TryGetValue((project, builder, month), out var sha))
                {
                    // Build scripts change about monthly.
                    sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ProjectNames[project]}/{machine.Name}/{month}")));
                    scriptHashes[(project, builder, month)] = sha;
                }
                r["$build"].Value = id;
                r["$builder"].Value = machine.Name;
                r["$project"].Value = ProjectNames[project];
                r["$revision"].Value = revision;
                r["$kind"].Value = kind;
                r["$exit"].Value = exit;
                r["$duration"].Value = kind == "n-a" ? 0 : duration;
                r["$nodename"].Value = machine.Name;
                r["$release"].Value = machine.Release;
                r["$version"].Value = machine.Version;
                r["$machine"].Value = machine.Machine;
                r["$runtime"].Value = machine.Runtime;
                r["$sha"].Value = kind == "n-a" ? DBNull.Value : sha;
                r["$finished"].Value = finished;
                r["$address"].Value = $"10.0.1.{11 + builder}:{30000 + (int)(serverStart / 1000 % 30000)}";
                r["$output"].Value = Output(output, random, ProjectNames[project], revision, kind, exit, duration);
                insertResult.ExecuteNonQuery();
                results++;
            }
            if (project == 0)
            {
                busiest++;
            }
        }
        var last = Convert.ToInt64(Scalar(connection, "SELECT coalesce(max(seq), 0) FROM results", transaction), CultureInfo.InvariantCulture);
        using (var cursor = Prepared(connection, transaction,
                   "INSERT INTO cursors (name, seq) VALUES ($name, $seq) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq", "$name", "$seq"))
        {
            foreach (var name in Cursors)
            {
                cursor.Parameters["$name"].Value = name;
                cursor.Parameters["$seq"].Value = last;
                cursor.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        Execute(connection, "PRAGMA journal_mode = WAL");
        if (busiest < 50)
        {
            throw new InvalidOperationException($"the busiest project has only {busiest} builds");
        }
        return new HistoryFacts
        {
            StoreFile = store, Results = results, Bytes = 0, Project = ProjectNames[0], OldBuild = oldBuild!, Generation = TimeSpan.Zero,
        };
    }

    /// <summary>The last few hundred bytes of a build's output, as a builder keeps them.</summary>
    private static string Output(StringBuilder text, Random random, string project, string revision, string kind, int exit, long durationMs)
    {
        text.Clear();
        if (kind == "n-a")
        {
            return $"no build script for {project} on this builder";
        }
        text.Append("  Restored /srv/build/").Append(project).Append("/src/").Append(project).Append(".csproj (in ")
            .Append(100 + random.Next(900)).Append(" ms).\n");
        text.Append("  ").Append(project).Append(" -> /srv/build/").Append(project).Append("/bin/Release/net10.0/").Append(project).Append(".dll\n");
        var tests = 50 + random.Next(2000);
        switch (kind)
        {
            case "success":
                text.Append("Build succeeded.\n    0 Warning(s)\n    0 Error(s)\n");
                text.Append("Passed!  - Failed:     0, Passed: ").Append(tests).Append(", Skipped:     ").Append(random.Next(5))
                    .Append(", Total: ").Append(tests).Append('\n');
                break;
            case "failed":
                var failed = 1 + random.Next(4);
                text.Append("  Failed ").Append(project).Append(".Tests.Case").Append(random.Next(500)).Append(" [").Append(random.Next(900))
                    .Append(" ms]\n  Error Message:\n   Assert.Equal() Failure: Values differ\n   Expected: ").Append(random.Next(100))
                    .Append("\n   Actual:   ").Append(random.Next(100)).Append('\n');
                text.Append("Failed!  - Failed:     ").Append(failed).Append(", Passed: ").Append(tests - failed).Append(", Total: ").Append(tests)
                    .Append('\n');
                break;
            default:
                text.Append("  Running tests for ").Append(project).Append(" at ").Append(revision.AsSpan(0, 12)).Append("...\n");
                break;
        }
        text.Append("exit ").Append(exit).Append(" after ").Append((durationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture)).Append(" s\n");
        return text.ToString();
    }

    private static string Base36(long value)
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = new StringBuilder();
        do
        {
            text.Insert(0, Digits[(int)(value % 36)]);
            value /= 36;
        }
        while (value > 0);
        return text.ToString();
    }

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
