using Serilog;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The server's one piece of shared state: which builders are connected and which builds each still owes.
/// Fan-out happens here under one short lock: the build is encoded once and only enqueued on each builder's
/// connection, so no socket write ever happens while the lock is held.
/// </summary>
internal sealed class BuildRegistry(ILogger log, BuildIds ids, int maxOutstandingPerBuilder, int maxRetainedBuilders)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, BuilderEntry> _builders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WaitingSuggester> _waiters = new(StringComparer.Ordinal);
    private readonly SharedStrings _shared = new();
    private int _connected;

    public int ConnectedBuilders => Volatile.Read(ref _connected);

    /// <summary>Makes <paramref name="session"/> the connection of its builder name; returns the one it replaces.</summary>
    public IPeer? Register(string name, IPeer session, Hello hello)
    {
        lock (_gate)
        {
            if (!_builders.TryGetValue(name, out var entry))
            {
                entry = new BuilderEntry(name);
                _builders.Add(name, entry);
            }
            entry.Address = session.Address;
            entry.ConnectedSince = DateTimeOffset.Now;
            entry.Uname = hello.Uname is { } uname
                ? uname with
                {
                    Sysname = _shared.Share(uname.Sysname), Release = _shared.Share(uname.Release),
                    Version = _shared.Share(uname.Version), Machine = _shared.Share(uname.Machine),
                }
                : null;
            entry.Runtime = hello.Runtime is { } runtime ? _shared.Share(runtime) : null;
            entry.Scripts = ScriptSet(hello.Scripts?.Select(s => s.Name));
            entry.Running = null;
            var previous = entry.Session;
            entry.Session = session;
            if (previous is null)
            {
                _connected++;
            }
            return previous;
        }
    }

    /// <summary>Detaches a closed connection; returns the builds its builder still owes (for the log).</summary>
    public string[] Unregister(string name, IPeer session)
    {
        lock (_gate)
        {
            if (!_builders.TryGetValue(name, out var entry) || entry.Session != session)
            {
                return [];
            }
            entry.Session = null;
            _connected--;
            var owed = entry.Outstanding.Ids;
            if (owed.Length == 0 || _builders.Count - _connected > maxRetainedBuilders)
            {
                _builders.Remove(name);
            }
            return owed;
        }
    }

    /// <summary>
    /// Assigns an id and enqueues the build on every connected builder. Returns the id and how many got it; with a
    /// <paramref name="waiter"/>, also their names, the waiter is sent <see cref="Accepted"/>, and results for the
    /// build will be forwarded to it.
    /// </summary>
    /// <param name="project">The project to build.</param>
    /// <param name="revision">The revision to build.</param>
    /// <param name="waiter">The suggester waiting for the results, or null.</param>
    /// <param name="output">The waiter also wants the builders' live output.</param>
    /// <param name="announce">
    /// Called with the id and counts while builders cannot yet report on the build, so that an event it publishes
    /// ("suggested") always comes before the builders' "started" and "result" events.
    /// </param>
    public (string Id, int Builders, int WithScript, string[]? Names) Dispatch(string project, string revision, IPeer? waiter = null, bool output = false,
        Action<string, int, int>? announce = null)
    {
        var build = new BuildMessage { Id = ids.Next(), Project = project, Revision = revision };
        ReadOnlyMemory<byte> frame = MessageCodec.Encode(build);
        var sent = 0;
        var withScript = 0;
        List<IPeer>? slow = null;
        var names = waiter is null ? null : new List<string>();
        lock (_gate)
        {
            if (waiter is not null)
            {
                _waiters[build.Id] = new WaitingSuggester(waiter, output);
            }
            foreach (var entry in _builders.Values)
            {
                var session = entry.Session;
                if (session is null)
                {
                    continue;
                }
                if (!session.TrySend(frame))
                {
                    (slow ??= []).Add(session);
                    continue;
                }
                if (entry.Outstanding.Count >= maxOutstandingPerBuilder)
                {
                    var oldest = entry.Outstanding.RemoveOldest();
                    if (!entry.WarnedFull)
                    {
                        entry.WarnedFull = true; // once per builder: a stuck builder must not flood the log
                        log.Warning("Builder {Builder} owes {Count} results; forgetting the oldest, starting with [build {BuildId}]",
                            entry.Name, maxOutstandingPerBuilder, oldest);
                    }
                }
                entry.Outstanding.Add(build);
                names?.Add(entry.Name);
                sent++;
                withScript += entry.Scripts?.Contains(project) == true ? 1 : 0;
            }
            // Still under the lock, which MarkStarted and AnswerFor wait for.
            announce?.Invoke(build.Id, sent, withScript);
            // Still under the lock: a result is forwarded only after AnswerFor, which waits for the lock, so the
            // waiter always gets accepted before the first result, however fast a builder is.
            waiter?.Send(new Accepted
            {
                Id = build.Id, Project = project, Revision = revision, Builders = sent, WithScript = withScript, BuilderNames = names!.ToArray(),
            });
        }
        foreach (var session in slow ?? [])
        {
            session.Drop(ErrorCodes.SlowConsumer, "outgoing queue full: the peer is not reading");
        }
        return (build.Id, sent, withScript, names?.ToArray());
    }

    /// <summary>
    /// Sends <c>cancel</c> for build <paramref name="id"/> to every connected builder that owes it (or to
    /// <paramref name="builder"/> only), if it speaks protocol 3. Returns who got it and who could not (older protocol);
    /// with nobody to send it to, the error code and sentence for the client instead.
    /// </summary>
    public (string[] Sent, string[] Unable, string? ErrorCode, string? Error) Cancel(string id, string? builder)
    {
        ReadOnlyMemory<byte> frame = MessageCodec.Encode(new CancelMessage { Id = id });
        var sent = new List<string>();
        var unable = new List<string>();
        List<IPeer>? slow = null;
        lock (_gate)
        {
            IEnumerable<BuilderEntry> candidates = builder is null ? _builders.Values
                : _builders.TryGetValue(builder, out var named) ? [named] : [];
            foreach (var entry in candidates)
            {
                if (entry.Session is not { } session || !entry.Outstanding.TryGetValue(id, out _))
                {
                    continue; // a disconnected builder cannot be told; it reports the build when it comes back, if it built it
                }
                if (session.Protocol < ProtocolLimits.WatchAndStopVersion)
                {
                    unable.Add(entry.Name);
                }
                else if (session.TrySend(frame))
                {
                    sent.Add(entry.Name);
                }
                else
                {
                    (slow ??= []).Add(session);
                }
            }
        }
        foreach (var session in slow ?? [])
        {
            session.Drop(ErrorCodes.SlowConsumer, "outgoing queue full: the peer is not reading");
        }
        if (sent.Count > 0)
        {
            return ([.. sent], [.. unable], null, null);
        }
        if (unable.Count > 0)
        {
            return ([], [.. unable], ErrorCodes.CannotCancel,
                $"build {id} runs only on builders that speak protocol 2 or older and cannot cancel it ({string.Join(", ", unable)}); it will finish there");
        }
        return builder is null
            ? ([], [], ErrorCodes.UnknownBuild, $"no connected builder is building {id}: the build id is unknown, or every builder has reported it")
            : ([], [], ErrorCodes.NotRunning, $"builder {builder} is not building {id}: it has reported it, never got it, or is not connected");
    }

    private static HashSet<string>? ScriptSet(IEnumerable<string>? projects)
    {
        var set = projects is null ? null : new HashSet<string>(projects, StringComparer.Ordinal);
        return set is { Count: > 0 } ? set : null;
    }

    /// <summary>A builder's scripts folder changed.</summary>
    public void SetScripts(string builder, IEnumerable<string> projects)
    {
        lock (_gate)
        {
            if (_builders.TryGetValue(builder, out var entry))
            {
                entry.Scripts = ScriptSet(projects);
            }
        }
    }

    /// <summary>A builder started a build it owes; returns the build, or null if it owes no such build.</summary>
    public BuildMessage? MarkStarted(string builder, string id)
    {
        lock (_gate)
        {
            if (_builders.TryGetValue(builder, out var entry) && entry.Outstanding.TryGetValue(id, out var build))
            {
                (entry.Running ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
                return build;
            }
            return null;
        }
    }

    /// <summary>
    /// For a chunk of live output: the build, if <paramref name="builder"/> owes it (null otherwise), and the suggester
    /// waiting for it that asked for output, if any.
    /// </summary>
    public (BuildMessage? Build, IPeer? Waiter) OutputTarget(string builder, string id)
    {
        lock (_gate)
        {
            if (!_builders.TryGetValue(builder, out var entry) || !entry.Outstanding.TryGetValue(id, out var build))
            {
                return (null, null);
            }
            return (build, _waiters.TryGetValue(id, out var waiter) && waiter.Output ? waiter.Peer : null);
        }
    }

    /// <summary>The connected builders, for status.</summary>
    public BuilderStatus[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _builders.Values.Where(e => e.Session is not null).OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => new BuilderStatus
            {
                Name = e.Name,
                Address = e.Address,
                Uname = e.Uname,
                Runtime = e.Runtime,
                Scripts = e.Scripts is null ? [] : [.. e.Scripts.Order(StringComparer.Ordinal)],
                Running = e.Running is null ? [] : [.. e.Running],
                ConnectedSince = e.ConnectedSince,
            })];
        }
    }

    /// <summary>
    /// The suggester waiting for this build, if any, and only the first time it is asked about this builder: whoever
    /// gets it sends the one final answer (a result, or lost).
    /// </summary>
    public IPeer? AnswerFor(string id, string builder)
    {
        lock (_gate)
        {
            return _waiters.TryGetValue(id, out var waiter) && waiter.TryAnswer(builder) ? waiter.Peer : null;
        }
    }

    /// <summary>A waiting suggester has gone: stop forwarding to it.</summary>
    public void ForgetWaiter(IEnumerable<string> ids)
    {
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _waiters.Remove(id);
            }
        }
    }

    /// <summary>Decides whether a result may be recorded, without changing anything.</summary>
    public ResultCheck Check(string builder, ResultMessage result)
    {
        if (!ids.IsOurs(result.Id))
        {
            return ids.IsFromEarlierServer(result.Id) ? ResultCheck.FromEarlierServer : ResultCheck.Unknown;
        }
        lock (_gate)
        {
            if (!_builders.TryGetValue(builder, out var entry) || !entry.Outstanding.TryGetValue(result.Id, out var build))
            {
                return ResultCheck.Unknown;
            }
            return build.Project == result.Project && build.Revision == result.Revision
                ? ResultCheck.Expected
                : ResultCheck.Mismatch;
        }
    }

    /// <summary>The result of a build is recorded (or the builder refused it): it no longer owes it. False if it did not.</summary>
    public bool Complete(string builder, string id)
    {
        lock (_gate)
        {
            var owed = false;
            if (_builders.TryGetValue(builder, out var entry))
            {
                owed = entry.Outstanding.Remove(id);
                entry.Running?.Remove(id);
                if (entry.Session is null && entry.Outstanding.Count == 0)
                {
                    _builders.Remove(builder);
                }
            }
            return owed;
        }
    }
}
