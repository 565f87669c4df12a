using System.Globalization;

namespace SimpleBB.Processes;

/// <summary>
/// Stops a build script and everything it started: SIGTERM first so the build can clean up, SIGKILL for whatever
/// still runs after the grace period. Two ways of finding "everything", because each misses something: the script's
/// process group (every child runs in a session of its own, see <see cref="GroupedProcess"/>), which also holds children whose
/// parent has already exited, and the tree of parent ids, recorded before the first signal (a script that dies of
/// SIGTERM orphans its children, and they can no longer be found through it), which also holds children that moved
/// to a group of their own.
/// </summary>
internal static class ProcessTree
{
    /// <summary>How long the processes get once the stop is hurried (a second Ctrl-C or SIGTERM to the builder).</summary>
    private static readonly TimeSpan HurriedGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Stops <paramref name="child"/>, its process group and its descendants. <paramref name="hurry"/> cuts the grace
    /// period short, to at most one second from then. Where there is no /proc (macOS) only the group is signalled.
    /// </summary>
    public static async Task StopAsync(GroupedProcess child, TimeSpan grace, CancellationToken hurry = default)
    {
        var group = child.Pid;
        var known = OperatingSystem.IsLinux() ? Descendants(child.Pid) : [];
        known.Add(child.Pid);
        Signal(known, group, Libc.SigTerm);

        var deadline = Environment.TickCount64 + (long)grace.TotalMilliseconds;
        while (Environment.TickCount64 < deadline && (!child.HasExited || known.Any(IsAlive) || GroupExists(group)))
        {
            if (hurry.IsCancellationRequested)
            {
                deadline = Math.Min(deadline, Environment.TickCount64 + (long)HurriedGrace.TotalMilliseconds);
            }
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }

        // Children started during the grace period belong to the tree too.
        foreach (var pid in OperatingSystem.IsLinux() ? known.Where(IsAlive).ToArray() : [])
        {
            known.UnionWith(Descendants(pid));
        }
        Signal(known, group, Libc.SigKill);
        await child.Exited.ConfigureAwait(false);
    }

    private static void Signal(IEnumerable<int> pids, int group, int signal)
    {
        _ = Libc.kill(-group, signal);
        foreach (var pid in pids)
        {
            _ = Libc.kill(pid, signal);
        }
    }

    /// <summary>
    /// Whether a living process is still in the group. Signal 0 only checks, and counts zombies too: where nobody reaps
    /// orphans (a container whose first process does not), a dead child would otherwise hold the grace period open.
    /// </summary>
    private static bool GroupExists(int group) =>
        Libc.kill(-group, 0) == 0 && (!OperatingSystem.IsLinux() || AllProcesses().Any(p => p.Stat.Group == group && p.Stat.State != 'Z'));

    /// <summary>Every process in /proc with its stat fields (those that vanish while being read are skipped).</summary>
    private static IEnumerable<(int Pid, (char State, int Parent, int Group) Stat)> AllProcesses()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadStat(pid) is { } stat)
            {
                yield return (pid, stat);
            }
        }
    }

    private static bool IsAlive(int pid) => OperatingSystem.IsLinux() ? File.Exists($"/proc/{pid}/stat") && !IsZombie(pid) : Libc.kill(pid, 0) == 0;

    private static bool IsZombie(int pid) => ReadStat(pid) is { } stat && stat.State == 'Z';

    /// <summary>All processes below <paramref name="root"/>, found through the parent ids in /proc.</summary>
    private static HashSet<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var (pid, stat) in AllProcesses())
        {
            if (!children.TryGetValue(stat.Parent, out var list))
            {
                children[stat.Parent] = list = [];
            }
            list.Add(pid);
        }
        var found = new HashSet<int>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                if (found.Add(child))
                {
                    pending.Push(child);
                }
            }
        }
        return found;
    }

    /// <summary>State, parent pid and process group from /proc/&lt;pid&gt;/stat ("pid (comm) state ppid pgrp ..."; comm may hold spaces).</summary>
    private static (char State, int Parent, int Group)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            var fields = text[(close + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

}
