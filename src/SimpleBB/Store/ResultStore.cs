using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using SimpleBB.Protocol;

namespace SimpleBB.Store;

/// <summary>
/// The server's record of every build and result, in one SQLite file (WAL, <c>synchronous=FULL</c>): what is committed
/// here survives kill -9 and power loss, and is the record every projection (server.log, output files, the page,
/// events, hooks) reads in sequence order from its own cursor. The store knows none of them: adding a consumer adds a
/// cursor name, never a column or a marker.
/// One writer (the recorder's loop) calls <see cref="Append"/>, <see cref="AddBuild"/> and <see cref="SetCursor"/>;
/// the queries may be called from any thread at the same time, each on a read-only connection of its own (WAL lets
/// them read the last commit while the writer works).
/// </summary>
public sealed class ResultStore : IDisposable
{
    /// <summary>The schema this code reads and writes (SQLite's <c>user_version</c>).</summary>
    public const int SchemaVersion = 1;

    private const string ResultColumns =
        "seq, build_id, builder, project, revision, kind, exit_code, duration_ms, sysname, nodename, release, version, machine, " +
        "runtime, script_sha256, finished, address, output";

    private const string ResultColumnsWithoutOutput =
        "seq, build_id, builder, project, revision, kind, exit_code, duration_ms, sysname, nodename, release, version, machine, " +
        "runtime, script_sha256, finished, address, ''";

    private const string BuildColumns = "seq, id, project, revision, suggested, suggested_by, builders";

    private readonly SqliteConnection writer;
    private readonly string readOnly;
    private readonly sqlite3_stmt insertResult;
    private readonly sqlite3_stmt insertBuild;
    private readonly sqlite3_stmt insertResultBuild;

    /// <summary>Build ids given a row by the batch being appended (reused: one batch at a time, under the gate).</summary>
    private readonly HashSet<string> batchBuilds = new(StringComparer.Ordinal);
    private readonly SqliteCommand setCursor;
    private readonly SqliteCommand markApplied;
    private readonly SqliteCommand dropApplied;

    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(500);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task checkpointer;

    /// <summary>Commits of results so far; the checkpointer works only when there were new ones.</summary>
    private long commits;

    /// <summary>The writer connection is used by the recorder's loop and the hook workers: one at a time.</summary>
    private readonly Lock gate = new();

    private ResultStore(SqliteConnection writer, string readOnly, string checkpointing)
    {
        this.writer = writer;
        this.readOnly = readOnly;
        // The WAL is copied back into the database (and the database synced) by a background thread, not by the
        // commit that happens to cross SQLite's threshold: the recorder's commits stay one WAL write and one fsync.
        // A passive checkpoint never blocks the writer; the writer's own checkpoint stays as a backstop at 64 MiB.
        Execute(writer, "PRAGMA wal_autocheckpoint = 16384");
        checkpointer = Task.Run(() => CheckpointLoopAsync(checkpointing, stopping.Token));
        // Results are inserted through SQLite's own API: binding 17 values through ADO.NET parameters costs more
        // than SQLite's insert itself, and the recorder inserts tens of thousands a second.
        var rc = raw.sqlite3_prepare_v2(writer.Handle,
            "INSERT INTO results (build_id, builder, project, revision, kind, exit_code, duration_ms, sysname, nodename, release, " +
            "version, machine, runtime, script_sha256, finished, address, output) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, " +
            "?11, ?12, ?13, ?14, ?15, ?16, ?17) ON CONFLICT (build_id, builder) DO NOTHING", out insertResult);
        SqliteException.ThrowExceptionForRC(rc, writer.Handle);
        rc = raw.sqlite3_prepare_v2(writer.Handle,
            "INSERT INTO builds (id, project, revision, suggested, suggested_by, builders) VALUES (?1, ?2, ?3, ?4, ?5, ?6) " +
            "ON CONFLICT (id) DO UPDATE SET suggested = excluded.suggested, suggested_by = excluded.suggested_by, builders = excluded.builders " +
            "WHERE builds.builders = " + UnknownBuilders + " RETURNING seq", out insertBuild);
        SqliteException.ThrowExceptionForRC(rc, writer.Handle);
        // Every result has its build: a result whose suggestion was never stored (imported from the journal, a
        // resend after a restart, a crash in the moment between suggesting and storing the build) gets a row that
        // says how many builders it went to is unknown; the suggestion, when it is stored later, fills it in.
        rc = raw.sqlite3_prepare_v2(writer.Handle,
            "INSERT INTO builds (id, project, revision, suggested, suggested_by, builders) VALUES (?1, ?2, ?3, ?4, NULL, " + UnknownBuilders + ") " +
            "ON CONFLICT (id) DO NOTHING", out insertResultBuild);
        SqliteException.ThrowExceptionForRC(rc, writer.Handle);
        setCursor = Prepare(
            "INSERT INTO cursors (name, seq) VALUES ($name, $seq) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
            "$name", "$seq");
        markApplied = Prepare("INSERT OR IGNORE INTO applied (name, seq) VALUES ($name, $seq)", "$name", "$seq");
        dropApplied = Prepare("DELETE FROM applied WHERE name = $name AND seq <= $seq", "$name", "$seq");
    }

    /// <summary>A build's <see cref="SuggestedBuild.Builders"/> when only its results are known, not its suggestion.</summary>
    public const int UnknownBuilders = -1;

    /// <summary>The database file.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating it (and its schema) when it does not exist. A database
    /// written by a newer version (a higher schema) is refused with <see cref="InvalidDataException"/>, never changed.
    /// </summary>
    public static ResultStore Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidDataException(
                    $"{full} has results store schema {version}; this version of simplebb-server reads schema {SchemaVersion} (upgrade it)");
            }
            if (version < SchemaVersion)
            {
                // A new store: creating it is not synced (an empty schema needs no durability: after a power cut the
                // next start creates it again, IF NOT EXISTS), so a first start costs no fsyncs; the first synced
                // commit of results brings the schema to disk with them. auto_vacuum only takes effect before the
                // first table exists: deleted results (retention) give their pages back instead of the file only growing.
                Execute(connection, "PRAGMA synchronous = OFF");
                Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL");
                Execute(connection, "PRAGMA journal_mode = WAL");
                using var create = connection.BeginTransaction();
                Execute(connection, Schema, create);
                Execute(connection, $"PRAGMA user_version = {SchemaVersion}", create);
                create.Commit();
            }
            else
            {
                Execute(connection, "PRAGMA journal_mode = WAL"); // persistent; cheap when it is WAL already
                // A store made before an index was added gets it now, once (it reads the whole table); every later
                // start finds each table and index there, which costs a look at the schema and writes nothing. An index
                // adds no column and changes nothing older code reads, so it needs no new schema version.
                using var upgrade = connection.BeginTransaction();
                Execute(connection, Schema, upgrade);
                upgrade.Commit();
            }
            Execute(connection, "PRAGMA synchronous = FULL");
            var reading = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadOnly }.ToString();
            var checkpointing = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
            return new ResultStore(connection, reading, checkpointing) { Path = full };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends <paramref name="results"/> in one transaction (one synced commit for all: group commit) and returns, for
    /// each, the sequence number it got, or null when that (build id, builder) was recorded before (a resend, however
    /// old). All or none: when the commit fails (a full disk, an I/O error) nothing of the batch is stored and the
    /// exception says why; the store stays usable for the next attempt.
    /// </summary>
    public long?[] Append(IReadOnlyList<StoredResult> results)
    {
        lock (gate)
        {
            return AppendLocked(results);
        }
    }

    private long?[] AppendLocked(IReadOnlyList<StoredResult> results)
    {
        var seqs = new long?[results.Count];
        using var transaction = writer.BeginTransaction();
        var statement = insertResult;
        try
        {
            for (var i = 0; i < results.Count; i++)
            {
                var r = results[i];
                raw.sqlite3_bind_text(statement, 1, r.BuildId);
                raw.sqlite3_bind_text(statement, 2, r.Builder);
                raw.sqlite3_bind_text(statement, 3, r.Project);
                raw.sqlite3_bind_text(statement, 4, r.Revision);
                raw.sqlite3_bind_text(statement, 5, OutcomeKinds.ToText(r.Kind));
                raw.sqlite3_bind_int(statement, 6, r.ExitCode);
                raw.sqlite3_bind_int64(statement, 7, r.DurationMs);
                raw.sqlite3_bind_text(statement, 8, r.Uname.Sysname);
                raw.sqlite3_bind_text(statement, 9, r.Uname.Nodename);
                raw.sqlite3_bind_text(statement, 10, r.Uname.Release);
                raw.sqlite3_bind_text(statement, 11, r.Uname.Version);
                raw.sqlite3_bind_text(statement, 12, r.Uname.Machine);
                raw.sqlite3_bind_text(statement, 13, r.Runtime);
                BindOptional(statement, 14, r.ScriptSha256);
                raw.sqlite3_bind_int64(statement, 15, r.Finished.ToUnixTimeMilliseconds());
                BindOptional(statement, 16, r.Address);
                raw.sqlite3_bind_text(statement, 17, r.Output);
                seqs[i] = Step(statement); // null: a resend
            }
            batchBuilds.Clear();
            var build = insertResultBuild;
            for (var i = 0; i < results.Count; i++)
            {
                var r = results[i];
                if (seqs[i] is null || !batchBuilds.Add(r.BuildId))
                {
                    continue;
                }
                raw.sqlite3_bind_text(build, 1, r.BuildId);
                raw.sqlite3_bind_text(build, 2, r.Project);
                raw.sqlite3_bind_text(build, 3, r.Revision);
                raw.sqlite3_bind_int64(build, 4, r.Finished.ToUnixTimeMilliseconds() - Math.Max(0, r.DurationMs));
                Step(build);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
            raw.sqlite3_reset(insertResultBuild);
            raw.sqlite3_clear_bindings(insertResultBuild);
        }
        transaction.Commit();
        Interlocked.Increment(ref commits);
        return seqs;
    }

    /// <summary>
    /// Stores a suggested build; returns its sequence number, or null when that id exists. Not synced by itself (see
    /// <see cref="SetCursors"/>): a power loss right after it can lose the build, never a result.
    /// </summary>
    public long? AddBuild(SuggestedBuild build) => AddBuilds([build])[0];

    /// <summary>
    /// Stores suggested builds in one commit (see <see cref="AddBuild"/>); null for an id that exists. A build that
    /// exists only through its results (how many builders it went to unknown) takes the suggestion's facts and keeps
    /// its place.
    /// </summary>
    public long?[] AddBuilds(IReadOnlyList<SuggestedBuild> builds)
    {
        lock (gate)
        {
            var seqs = new long?[builds.Count];
            Unsynced(_ =>
            {
                for (var i = 0; i < builds.Count; i++)
                {
                    seqs[i] = AddBuildLocked(builds[i]);
                }
            });
            return seqs;
        }
    }

    private long? AddBuildLocked(SuggestedBuild build)
    {
        var statement = insertBuild;
        try
        {
            raw.sqlite3_bind_text(statement, 1, build.Id);
            raw.sqlite3_bind_text(statement, 2, build.Project);
            raw.sqlite3_bind_text(statement, 3, build.Revision);
            raw.sqlite3_bind_int64(statement, 4, build.Suggested.ToUnixTimeMilliseconds());
            BindOptional(statement, 5, build.SuggestedBy);
            raw.sqlite3_bind_int(statement, 6, build.Builders);
            var db = writer.Handle;
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return null; // it exists, with its suggestion
            }
            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
            var seq = raw.sqlite3_column_int64(statement, 0);
            rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
            return seq;
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }
    }

    /// <summary>Runs an INSERT … ON CONFLICT DO NOTHING: the new row's sequence number, or null when the row existed.</summary>
    private long? Step(sqlite3_stmt statement)
    {
        var db = writer.Handle;
        var rc = raw.sqlite3_step(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
        // One row changed: inserted, with the rowid (the sequence number) SQLite just gave it; none: it existed.
        var seq = raw.sqlite3_changes(db) == 1 ? raw.sqlite3_last_insert_rowid(db) : (long?)null;
        raw.sqlite3_reset(statement);
        return seq;
    }

    /// <summary>Where the projection <paramref name="name"/> is: the sequence number of the last result it applied (0: none).</summary>
    public long Cursor(string name)
    {
        using var connection = Reader();
        return Scalar(connection, "SELECT seq FROM cursors WHERE name = $name", ("$name", name)) is long seq ? seq : 0;
    }

    /// <summary>Records that the projection <paramref name="name"/> has applied every result up to <paramref name="seq"/>.</summary>
    public void SetCursor(string name, long seq) => SetCursors([(name, seq)]);

    /// <summary>
    /// Records where projections are, in one commit that is not synced by itself: it survives the process being killed at
    /// once, and reaches the disk with the next synced commit (a result batch). A projection therefore never trusts its
    /// cursor blindly after a power loss: each re-checks what lies after it (server.log compares lines, output files are
    /// completed idempotently, hooks keep the per-result <see cref="MarkApplied"/> rows).
    /// </summary>
    public void SetCursors(IReadOnlyList<(string Name, long Seq)> cursors)
    {
        lock (gate)
        {
            Unsynced(transaction =>
            {
                setCursor.Transaction = transaction;
                foreach (var (name, seq) in cursors)
                {
                    setCursor.Parameters[0].Value = name;
                    setCursor.Parameters[1].Value = seq;
                    setCursor.ExecuteNonQuery();
                }
            });
        }
    }

    /// <summary>
    /// For a projection that applies results out of order (hooks of different projects run at once): result
    /// <paramref name="seq"/> is applied; and every result up to <paramref name="cursor"/> is, so its cursor moves there
    /// and the rows it no longer needs go. Not synced by itself (see <see cref="SetCursors"/>).
    /// </summary>
    public void MarkApplied(string name, long seq, long cursor)
    {
        lock (gate)
        {
            Unsynced(transaction =>
            {
                if (seq > cursor)
                {
                    markApplied.Transaction = transaction;
                    markApplied.Parameters[0].Value = name;
                    markApplied.Parameters[1].Value = seq;
                    markApplied.ExecuteNonQuery();
                }
                setCursor.Transaction = transaction;
                setCursor.Parameters[0].Value = name;
                setCursor.Parameters[1].Value = cursor;
                setCursor.ExecuteNonQuery();
                dropApplied.Transaction = transaction;
                dropApplied.Parameters[0].Value = name;
                dropApplied.Parameters[1].Value = cursor;
                dropApplied.ExecuteNonQuery();
            });
        }
    }

    /// <summary>The results after <paramref name="name"/>'s cursor that it has applied already (see <see cref="MarkApplied"/>).</summary>
    public HashSet<long> Applied(string name)
    {
        using var connection = Reader();
        using var command = Command(connection,
            "SELECT a.seq FROM applied a WHERE a.name = $name AND a.seq > coalesce((SELECT seq FROM cursors WHERE name = $name), 0)",
            [("$name", name)]);
        using var reader = command.ExecuteReader();
        var seqs = new HashSet<long>();
        while (reader.Read())
        {
            seqs.Add(reader.GetInt64(0));
        }
        return seqs;
    }

    /// <summary>
    /// Whether the store takes writes again after a failure: the file system has room for a batch (a write that only
    /// reuses WAL space could succeed on a disk that is still full), the store is under its page limit, and a small
    /// synced commit succeeds. Throws <see cref="IOException"/> or what the write throws when not.
    /// </summary>
    public void Probe()
    {
        lock (gate)
        {
            var pages = Convert.ToInt64(Scalar(writer, "PRAGMA page_count"), CultureInfo.InvariantCulture);
            var maxPages = Convert.ToInt64(Scalar(writer, "PRAGMA max_page_count"), CultureInfo.InvariantCulture);
            if (pages + ProbePages > maxPages)
            {
                throw new IOException($"database or disk is full: {Path} reached its page limit");
            }
            var free = new DriveInfo(System.IO.Path.GetDirectoryName(Path)!).AvailableFreeSpace;
            if (free < ProbeBytes)
            {
                throw new IOException($"No space left on device: {free} bytes free for {Path}");
            }
            using var transaction = writer.BeginTransaction();
            setCursor.Transaction = transaction;
            setCursor.Parameters[0].Value = "probe";
            setCursor.Parameters[1].Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            setCursor.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>Room a probe asks for: a batch of results with their output tails.</summary>
    private const long ProbeBytes = 1024 * 1024;

    private const long ProbePages = ProbeBytes / 4096;

    /// <summary>
    /// Tests: lets the database grow by at most <paramref name="pages"/> more pages (null: no limit), so that a write
    /// fails with SQLITE_FULL exactly as on a full disk, and the recovery can be watched.
    /// </summary>
    internal void LimitGrowthForTest(long? pages)
    {
        lock (gate)
        {
            var count = Convert.ToInt64(Scalar(writer, "PRAGMA page_count"), CultureInfo.InvariantCulture);
            Execute(writer, $"PRAGMA max_page_count = {(pages is { } more ? count + more : 4294967294L)}");
        }
    }

    /// <summary>
    /// Retention: deletes results recorded before <paramref name="before"/> (null: no age limit) and all but the newest
    /// <paramref name="keep"/> results (null: no count limit), none after <paramref name="upToSeq"/> (what the projections have not applied yet), at most <paramref name="limit"/> in one commit, and the
    /// builds older than every result kept. Returns the deleted results (their output files are the caller's), oldest
    /// first; call again while it returns <paramref name="limit"/> of them. Freed pages go back to the file system
    /// (incremental vacuum), so the database shrinks instead of only growing.
    /// </summary>
    public IReadOnlyList<StoredResult> DeleteOld(DateTimeOffset? before, long? keep, long upToSeq, int limit)
    {
        var last = LastSeq();
        var upTo = keep is { } count ? last - count : 0;
        var doomed = Results(
            $"SELECT {ResultColumnsWithoutOutput} FROM results WHERE seq <= $cap AND (seq <= $upTo OR finished < $before) ORDER BY seq LIMIT $limit",
            ("$cap", upToSeq), ("$upTo", upTo), ("$before", before?.ToUnixTimeMilliseconds() ?? long.MinValue), ("$limit", limit));
        if (doomed.Count == 0)
        {
            return doomed;
        }
        lock (gate)
        {
            using (var transaction = writer.BeginTransaction())
            {
                using var delete = writer.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM results WHERE seq IN (SELECT value FROM json_each($seqs))";
                delete.Parameters.AddWithValue("$seqs", "[" + string.Join(',', doomed.Select(r => r.Seq)) + "]");
                delete.ExecuteNonQuery();
                // Builds older than the oldest result kept, and with no result left: their page would show nothing.
                using var builds = writer.CreateCommand();
                builds.Transaction = transaction;
                builds.CommandText = "DELETE FROM builds WHERE suggested < coalesce((SELECT min(finished) FROM results), $now) " +
                    "AND NOT EXISTS (SELECT 1 FROM results r WHERE r.build_id = builds.id)";
                builds.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                builds.ExecuteNonQuery();
                transaction.Commit();
            }
            Execute(writer, "PRAGMA incremental_vacuum");
        }
        return doomed;
    }

    /// <summary>True when (build id, builder) is recorded: a resend of a result whose build this server no longer knows.</summary>
    public bool Contains(string buildId, string builder)
    {
        using var connection = Reader();
        return Scalar(connection, "SELECT 1 FROM results WHERE build_id = $id AND builder = $builder", ("$id", buildId), ("$builder", builder)) is not null;
    }

    /// <summary>The newest <paramref name="limit"/> results, newest first, without their output (what status starts from).</summary>
    public IReadOnlyList<StoredResult> Newest(int limit) =>
        Results($"SELECT {ResultColumnsWithoutOutput} FROM results ORDER BY seq DESC LIMIT $limit", ("$limit", limit));

    /// <summary>The result of <paramref name="project"/> on <paramref name="builder"/> recorded just before <paramref name="seq"/>, without output.</summary>
    public StoredResult? Previous(string project, string builder, long seq) =>
        Results($"SELECT {ResultColumnsWithoutOutput} FROM results WHERE project = $project AND builder = $builder AND seq < $seq ORDER BY seq DESC LIMIT 1",
            ("$project", project), ("$builder", builder), ("$seq", seq)) is [var previous] ? previous : null;

    /// <summary>Runs <paramref name="work"/> in a transaction whose commit is not synced (see <see cref="SetCursors"/>).</summary>
    private void Unsynced(Action<SqliteTransaction> work)
    {
        Execute(writer, "PRAGMA synchronous = NORMAL");
        try
        {
            using var transaction = writer.BeginTransaction();
            work(transaction);
            transaction.Commit();
        }
        finally
        {
            Execute(writer, "PRAGMA synchronous = FULL");
        }
    }

    /// <summary>The highest sequence number stored (0 when the store is empty).</summary>
    public long LastSeq()
    {
        using var connection = Reader();
        return Scalar(connection, "SELECT coalesce(max(seq), 0) FROM results") is long seq ? seq : 0;
    }

    /// <summary>Up to <paramref name="limit"/> results after <paramref name="seq"/>, oldest first: what a projection applies next.</summary>
    public IReadOnlyList<StoredResult> ResultsAfter(long seq, int limit, bool withOutput = true) =>
        Results($"SELECT {(withOutput ? ResultColumns : ResultColumnsWithoutOutput)} FROM results WHERE seq > $seq ORDER BY seq LIMIT $limit",
            ("$seq", seq), ("$limit", limit));

    /// <summary>Every result of one build, in the order they arrived.</summary>
    public IReadOnlyList<StoredResult> ResultsOfBuild(string buildId) =>
        Results($"SELECT {ResultColumns} FROM results WHERE build_id = $id ORDER BY seq", ("$id", buildId));

    /// <summary>A builder's results, newest first, older than <paramref name="beforeSeq"/> when given (the next page).</summary>
    public IReadOnlyList<StoredResult> ResultsOfBuilder(string builder, long? beforeSeq, int limit, bool withOutput = true) =>
        Results($"SELECT {(withOutput ? ResultColumns : ResultColumnsWithoutOutput)} FROM results WHERE builder = $builder AND seq < $before " +
            "ORDER BY seq DESC LIMIT $limit",
            ("$builder", builder), ("$before", beforeSeq ?? long.MaxValue), ("$limit", limit));

    /// <summary>
    /// A project's results, on <paramref name="builder"/> only when given, newest first, older than <paramref name="beforeSeq"/>
    /// when given (the next page). Each form reads one index in order (results_by_project, results_by_project_builder) and
    /// stops after <paramref name="limit"/> rows, so a page reads its own rows only, however many results the store holds.
    /// </summary>
    public IReadOnlyList<StoredResult> ResultsOfProject(string project, string? builder, long? beforeSeq, int limit, bool withOutput = true)
    {
        var columns = withOutput ? ResultColumns : ResultColumnsWithoutOutput;
        return builder is null
            ? Results($"SELECT {columns} FROM results WHERE project = $project AND seq < $before ORDER BY seq DESC LIMIT $limit",
                ("$project", project), ("$before", beforeSeq ?? long.MaxValue), ("$limit", limit))
            : Results($"SELECT {columns} FROM results WHERE project = $project AND builder = $builder AND seq < $before ORDER BY seq DESC LIMIT $limit",
                ("$project", project), ("$builder", builder), ("$before", beforeSeq ?? long.MaxValue), ("$limit", limit));
    }

    /// <summary>
    /// The newest <paramref name="limit"/> results of <paramref name="project"/> and/or <paramref name="builder"/> (of any when
    /// both are null), newest first, without their output: what a status request for the last results is answered with.
    /// </summary>
    public IReadOnlyList<StoredResult> NewestMatching(string? project, string? builder, int limit) => (project, builder) switch
    {
        (null, null) => Newest(limit),
        (null, { } name) => ResultsOfBuilder(name, null, limit, withOutput: false),
        ({ } name, _) => ResultsOfProject(name, builder, null, limit, withOutput: false),
    };

    /// <summary>One revision of a project across builders, newest first (through its builds: each result names its build).</summary>
    public IReadOnlyList<StoredResult> ResultsOfRevision(string project, string revision, int limit) =>
        Results($"SELECT {ResultColumns} FROM results WHERE build_id IN (SELECT id FROM builds WHERE project = $project AND revision = $revision) " +
            "ORDER BY seq DESC LIMIT $limit",
            ("$project", project), ("$revision", revision), ("$limit", limit));

    /// <summary>The latest result of each builder for a project, by builder name.</summary>
    public IReadOnlyList<StoredResult> LatestPerBuilder(string project) =>
        Results(
            $"SELECT {ResultColumns} FROM results WHERE seq IN " +
            "(SELECT max(seq) FROM results WHERE project = $project GROUP BY builder) ORDER BY builder",
            ("$project", project));

    /// <summary>A build by id, or null when it was never suggested here (or retention removed it).</summary>
    public SuggestedBuild? Build(string id) =>
        Builds($"SELECT {BuildColumns} FROM builds WHERE id = $id", ("$id", id)) is [var build] ? build : null;

    /// <summary>A project's builds, newest first, older than <paramref name="beforeSeq"/> when given (the next page).</summary>
    public IReadOnlyList<SuggestedBuild> BuildsOfProject(string project, long? beforeSeq, int limit) =>
        Builds($"SELECT {BuildColumns} FROM builds WHERE project = $project AND seq < $before ORDER BY seq DESC LIMIT $limit",
            ("$project", project), ("$before", beforeSeq ?? long.MaxValue), ("$limit", limit));

    /// <summary>The newest builds of every project, newest first (the page's recent builds).</summary>
    public IReadOnlyList<SuggestedBuild> NewestBuilds(int limit) =>
        Builds($"SELECT {BuildColumns} FROM builds ORDER BY seq DESC LIMIT $limit", ("$limit", limit));

    /// <summary>
    /// Each project's newest build, by project name, at most <paramref name="limit"/> projects. The projects are
    /// found by skipping through the index on (project, seq): one lookup per project, however many builds each has.
    /// </summary>
    public IReadOnlyList<SuggestedBuild> LatestBuildPerProject(int limit) =>
        Builds(
            "WITH RECURSIVE p(name) AS (SELECT min(project) FROM builds UNION ALL " +
            "SELECT (SELECT min(project) FROM builds WHERE project > p.name) FROM p WHERE p.name IS NOT NULL) " +
            $"SELECT {BuildColumns} FROM builds WHERE seq IN " +
            "(SELECT (SELECT max(seq) FROM builds WHERE project = p.name) FROM p WHERE p.name IS NOT NULL LIMIT $limit) ORDER BY project",
            ("$limit", limit));

    /// <summary>
    /// Each builder's newest result (without output), by builder name, at most <paramref name="limit"/> builders:
    /// the builders that are not connected now are known from these. One lookup per builder, as above.
    /// </summary>
    public IReadOnlyList<StoredResult> LatestResultPerBuilder(int limit) =>
        Results(
            "WITH RECURSIVE b(name) AS (SELECT min(builder) FROM results UNION ALL " +
            "SELECT (SELECT min(builder) FROM results WHERE builder > b.name) FROM b WHERE b.name IS NOT NULL) " +
            $"SELECT {ResultColumnsWithoutOutput} FROM results WHERE seq IN " +
            "(SELECT (SELECT max(seq) FROM results WHERE builder = b.name) FROM b WHERE b.name IS NOT NULL LIMIT $limit) ORDER BY builder",
            ("$limit", limit));

    /// <summary>Every result (without output) of the builds <paramref name="buildIds"/>, in the order they arrived.</summary>
    public IReadOnlyList<StoredResult> ResultsOfBuilds(IReadOnlyList<string> buildIds) =>
        buildIds.Count == 0 ? [] : Results(In($"SELECT {ResultColumnsWithoutOutput} FROM results WHERE build_id IN (", buildIds, out var ids) + ") ORDER BY seq", ids);

    /// <summary>How the results of each of these builds add up (builds without results are absent), one pass over them in SQLite.</summary>
    public IReadOnlyList<BuildTally> Tallies(IReadOnlyList<string> buildIds)
    {
        if (buildIds.Count == 0)
        {
            return [];
        }
        var sql = In("SELECT build_id, sum(kind = 'success'), sum(kind IN ('failed', 'timeout', 'lost')), count(*), min(duration_ms), max(duration_ms), " +
            "max(finished), max(seq) FROM results WHERE build_id IN (", buildIds, out var ids) + ") GROUP BY build_id";
        using var connection = Reader();
        using var command = Command(connection, sql, ids);
        using var reader = command.ExecuteReader();
        var tallies = new List<BuildTally>();
        while (reader.Read())
        {
            var passed = reader.GetInt32(1);
            var failed = reader.GetInt32(2);
            tallies.Add(new BuildTally(reader.GetString(0), passed, failed, reader.GetInt32(3) - passed - failed, reader.GetInt64(4), reader.GetInt64(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)).ToLocalTime(), reader.GetInt64(7)));
        }
        return tallies;
    }

    /// <summary>The results (without output) of these builds on these builders only: each one a lookup in (build id, builder).</summary>
    public IReadOnlyList<StoredResult> ResultsOfBuildsOn(IReadOnlyList<string> buildIds, IReadOnlyList<string> builders)
    {
        if (buildIds.Count == 0 || builders.Count == 0)
        {
            return [];
        }
        var sql = In($"SELECT {ResultColumnsWithoutOutput} FROM results WHERE build_id IN (", buildIds, out var ids);
        var on = In(") AND builder IN (", builders, out var names, "$w");
        return Results(sql + on + ") ORDER BY seq", [.. ids, .. names]);
    }

    /// <summary>Up to <paramref name="limit"/> builders with a result other than a success in these builds, by name.</summary>
    public IReadOnlyList<string> BuildersNotPassing(IReadOnlyList<string> buildIds, int limit)
    {
        if (buildIds.Count == 0)
        {
            return [];
        }
        var sql = In("SELECT DISTINCT builder FROM results WHERE kind <> 'success' AND build_id IN (", buildIds, out var ids) + ") ORDER BY builder LIMIT $limit";
        using var connection = Reader();
        using var command = Command(connection, sql, [.. ids, ("$limit", limit)]);
        using var reader = command.ExecuteReader();
        var builders = new List<string>();
        while (reader.Read())
        {
            builders.Add(reader.GetString(0));
        }
        return builders;
    }

    /// <summary>The builds with these ids that the store has, newest first.</summary>
    public IReadOnlyList<SuggestedBuild> BuildsWithIds(IReadOnlyList<string> buildIds) =>
        buildIds.Count == 0 ? [] : Builds(In($"SELECT {BuildColumns} FROM builds WHERE id IN (", buildIds, out var ids) + ") ORDER BY seq DESC", ids);

    /// <summary>An IN list of parameters (never text in the SQL) for <paramref name="values"/>.</summary>
    private static string In(string start, IReadOnlyList<string> values, out (string Name, object Value)[] parameters, string prefix = "$v")
    {
        parameters = new (string Name, object Value)[values.Count];
        var sql = new System.Text.StringBuilder(start);
        for (var i = 0; i < values.Count; i++)
        {
            parameters[i] = (prefix + i.ToString(CultureInfo.InvariantCulture), values[i]);
            sql.Append(i == 0 ? "" : ", ").Append(parameters[i].Name);
        }
        return sql.ToString();
    }

    private async Task CheckpointLoopAsync(string connectionString, CancellationToken cancellationToken)
    {
        using var connection = new SqliteConnection(connectionString);
        long checkpointed = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckpointInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = Interlocked.Read(ref commits);
            if (now == checkpointed)
            {
                continue;
            }
            try
            {
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    connection.Open();
                }
                Execute(connection, "PRAGMA wal_checkpoint(PASSIVE)");
                checkpointed = now;
            }
            catch (SqliteException)
            {
                // A full disk or a busy database: the next round (or the writer's backstop) tries again.
            }
        }
    }

    /// <summary>
    /// Closes the idle read-only connections (each keeps a page cache of up to 2 MB): after a large read that is not
    /// repeated, such as the latest results at start. The next query opens one again (about 0.1 ms).
    /// </summary>
    public void ReleaseReaders()
    {
        using var reading = new SqliteConnection(readOnly);
        SqliteConnection.ClearPool(reading);
    }

    public void Dispose()
    {
        stopping.Cancel();
        checkpointer.Wait();
        stopping.Dispose();
        insertResult.Dispose();
        insertBuild.Dispose();
        insertResultBuild.Dispose();
        setCursor.Dispose();
        markApplied.Dispose();
        dropApplied.Dispose();
        writer.Dispose();
        using var reading = new SqliteConnection(readOnly);
        SqliteConnection.ClearPool(reading); // the pooled readers keep the file open otherwise

    }

    private IReadOnlyList<StoredResult> Results(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Reader();
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var results = new List<StoredResult>();
        while (reader.Read())
        {
            results.Add(new StoredResult
            {
                Seq = reader.GetInt64(0),
                BuildId = reader.GetString(1),
                Builder = reader.GetString(2),
                Project = reader.GetString(3),
                Revision = reader.GetString(4),
                Kind = OutcomeKinds.Parse(reader.GetString(5)),
                ExitCode = reader.GetInt32(6),
                DurationMs = reader.GetInt64(7),
                Uname = new Uname
                {
                    Sysname = reader.GetString(8),
                    Nodename = reader.GetString(9),
                    Release = reader.GetString(10),
                    Version = reader.GetString(11),
                    Machine = reader.GetString(12),
                },
                Runtime = reader.GetString(13),
                ScriptSha256 = reader.IsDBNull(14) ? null : reader.GetString(14),
                Finished = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(15)).ToLocalTime(),
                Address = reader.IsDBNull(16) ? null : reader.GetString(16),
                Output = reader.GetString(17),
            });
        }
        return results;
    }

    private IReadOnlyList<SuggestedBuild> Builds(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Reader();
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var builds = new List<SuggestedBuild>();
        while (reader.Read())
        {
            builds.Add(new SuggestedBuild
            {
                Seq = reader.GetInt64(0),
                Id = reader.GetString(1),
                Project = reader.GetString(2),
                Revision = reader.GetString(3),
                Suggested = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)).ToLocalTime(),
                SuggestedBy = reader.IsDBNull(5) ? null : reader.GetString(5),
                Builders = reader.GetInt32(6),
            });
        }
        return builds;
    }

    private SqliteConnection Reader()
    {
        var connection = new SqliteConnection(readOnly);
        connection.Open();
        return connection;
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = writer.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static void BindOptional(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(statement, index, value);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    private static object? Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Schema 1. Sequence numbers never go back (AUTOINCREMENT), so a projection's cursor stays valid after retention
    /// deletes the oldest rows. Times are Unix milliseconds (UTC). The indexes serve what the pages, the API and status
    /// ask: a project's builds and results newest first (results_by_project: (project, builder, seq) cannot give one
    /// project's results in seq order without sorting all of them), a builder's results, a project's results on one
    /// builder, one revision across builders (through its builds), the latest result per (project, builder). Every
    /// statement is IF NOT EXISTS: <see cref="Open"/> runs them on stores made before an index was added.
    /// </summary>
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS builds (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            id           TEXT NOT NULL UNIQUE,
            project      TEXT NOT NULL,
            revision     TEXT NOT NULL,
            suggested    INTEGER NOT NULL,
            suggested_by TEXT,
            builders     INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS builds_by_project ON builds (project, seq);
        CREATE INDEX IF NOT EXISTS builds_by_revision ON builds (project, revision);
        CREATE TABLE IF NOT EXISTS results (
            seq           INTEGER PRIMARY KEY AUTOINCREMENT,
            build_id      TEXT NOT NULL,
            builder       TEXT NOT NULL,
            project       TEXT NOT NULL,
            revision      TEXT NOT NULL,
            kind          TEXT NOT NULL,
            exit_code     INTEGER NOT NULL,
            duration_ms   INTEGER NOT NULL,
            sysname       TEXT NOT NULL,
            nodename      TEXT NOT NULL,
            release       TEXT NOT NULL,
            version       TEXT NOT NULL,
            machine       TEXT NOT NULL,
            runtime       TEXT NOT NULL,
            script_sha256 TEXT,
            finished      INTEGER NOT NULL,
            address       TEXT,
            output        TEXT NOT NULL,
            UNIQUE (build_id, builder)
        );
        CREATE INDEX IF NOT EXISTS results_by_project ON results (project, seq);
        CREATE INDEX IF NOT EXISTS results_by_project_builder ON results (project, builder, seq);
        CREATE INDEX IF NOT EXISTS results_by_builder ON results (builder, seq);
        CREATE TABLE IF NOT EXISTS cursors (
            name TEXT PRIMARY KEY,
            seq  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS applied (
            name TEXT NOT NULL,
            seq  INTEGER NOT NULL,
            PRIMARY KEY (name, seq)
        ) WITHOUT ROWID;
        """;
}
