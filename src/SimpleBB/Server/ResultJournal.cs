using System.Buffers;
using System.Text;
using System.Text.Json;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The record of truth for results (history.jsonl beside server.log): one JSON line per result, appended and synced
/// before the result is acknowledged. Everything else about a result (its server.log line, its output file, status and
/// the events) is derived from its entry, and a <c>{"derived":true}</c> marker line says "everything above has been
/// derived", so after a crash only the entries after the last marker need checking.
/// <para>
/// A failed append or sync cuts the file back to its last good length, so the file always holds whole lines; a torn
/// last line left by a crash is cut off when the journal is opened. At its size cap (checked only right after a marker,
/// so a part never ends with underived entries) the file becomes &lt;name&gt;.1 and one older part is kept.
/// </para>
/// <para>
/// Result hooks leave their own marker lines: <c>{"hooked":"&lt;id&gt;","builder":"&lt;name&gt;"}</c> once a result's hook has
/// ended, and <c>{"hooked":"*"}</c> when every entry above is settled (hooked, or recorded while no hook was set).
/// Entries after the last <c>{"hooked":"*"}</c> without their own marker are hooked again at the next start. Hook markers
/// are written from the hook workers, so every write here holds one lock.
/// </para>
/// </summary>
internal sealed class ResultJournal : IDisposable
{
    /// <summary>First line of every journal file; a file without it is a history file from an older version.</summary>
    private static readonly byte[] Header = "{\"journal\":\"simplebb-results\",\"version\":1}\n"u8.ToArray();

    private static readonly byte[] Marker = "{\"derived\":true}\n"u8.ToArray();

    /// <summary>What <see cref="ProveRoom"/> writes: more than an entry with a 16 KiB output and long names takes.</summary>
    private static readonly byte[] RoomProbe = new byte[32 * 1024];

    private static readonly byte[] AllHooked = "{\"hooked\":\"*\"}\n"u8.ToArray();

    /// <summary>The id of <see cref="AllHooked"/>: every entry above the line is settled.</summary>
    public const string AllHookedId = "*";

    private readonly object _gate = new();
    private readonly bool _hooks;

    private readonly string _path;
    private readonly long _maxBytes;
    private readonly Func<string, IRecordFile> _open;
    private ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private IRecordFile? _file;

    /// <summary>Written before the next line: the header of a new file, or the marker that closes an older version's file.</summary>
    private byte[]? _prefix;

    /// <summary>Length of the file when its last write succeeded: a failed write is cut back to this.</summary>
    private long _goodLength;

    /// <summary>Entries after the last <c>{"hooked":"*"}</c> whose hook has not been marked as ended.</summary>
    private long _unhooked;

    /// <param name="path">The journal file.</param>
    /// <param name="maxBytes">Size at which the file becomes &lt;path&gt;.1.</param>
    /// <param name="open">Opens a file (tests pass one that fails on demand).</param>
    /// <param name="hooks">
    /// True when a result hook is set: appended entries wait for <see cref="MarkHooked"/>. False: every entry is settled
    /// as it is derived, so turning a hook on later never hooks old results.
    /// </param>
    public ResultJournal(string path, long maxBytes, Func<string, IRecordFile>? open = null, bool hooks = false)
    {
        _path = Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _open = open ?? (p => new DiskFile(p));
        _hooks = hooks;
    }

    public string FilePath => _path;

    /// <summary>Entries recorded whose hook has not ended yet (including any left over from before a restart).</summary>
    public long Unhooked
    {
        get
        {
            lock (_gate)
            {
                return _unhooked;
            }
        }
    }

    /// <summary>
    /// Opens the journal: reads the older part and then the current one, passing every entry to <paramref name="onEntry"/>
    /// oldest first, and every hook marker to <paramref name="onHooked"/> (id and builder; id "*" for "all above");
    /// cuts off a torn last line. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public JournalScan Open(Action<ResultStatus> onEntry, Action<string, string?>? onHooked = null)
    {
        lock (_gate)
        {
            return OpenLocked(onEntry, onHooked ?? ((_, _) => { }));
        }
    }

    private JournalScan OpenLocked(Action<ResultStatus> onEntry, Action<string, string?> onHooked)
    {
        var entries = 0;
        var unparseable = 0;
        var hooks = new HookCount();
        var older = _path + ".1";
        if (File.Exists(older))
        {
            using var part = _open(older);
            Read(part, onEntry, onHooked, hooks, ref entries, ref unparseable);
        }

        _file?.Dispose();
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _file = _open(_path);
        var truncated = CutTornTail(_file);
        var underived = new List<ResultStatus>();
        var legacy = Read(_file, onEntry, onHooked, hooks, ref entries, ref unparseable, underived);
        _goodLength = _file.Length;
        if (_goodLength == 0)
        {
            _prefix = Header;
        }
        else if (legacy)
        {
            // An older version wrote server.log before this file, so everything in it was derived already.
            underived.Clear();
            _prefix = Marker;
        }
        var settled = !hooks.Seen;
        if (settled || (!_hooks && hooks.Unhooked > 0))
        {
            // A journal from before hooks existed, or results a run without a hook left: never hooked later. Written
            // with the next line, before any new entry.
            _prefix = [.. _prefix ?? [], .. AllHooked];
            hooks.Unhooked = 0;
        }
        _unhooked = hooks.Unhooked;
        return new JournalScan
        {
            Underived = underived, Entries = entries, Unparseable = unparseable, TruncatedBytes = truncated,
            Unhooked = hooks.Unhooked, HooksSettled = settled,
        };
    }

    /// <summary>
    /// Reads every entry of both parts again, oldest first, changing nothing (after <see cref="Open"/>, before any
    /// write: the start-up hook catch-up needs a second look). Throws <see cref="IOException"/> when a part cannot be read.
    /// </summary>
    public void Reread(Action<ResultStatus> onEntry)
    {
        lock (_gate)
        {
            var entries = 0;
            var unparseable = 0;
            var older = _path + ".1";
            if (File.Exists(older))
            {
                using var part = _open(older);
                Read(part, onEntry, (_, _) => { }, new HookCount(), ref entries, ref unparseable);
            }
            if (_file is { } file)
            {
                Read(file, onEntry, (_, _) => { }, new HookCount(), ref entries, ref unparseable);
            }
        }
    }

    /// <summary>
    /// Appends the entries and syncs them. Throws <see cref="IOException"/> when they are not all durable; the file is
    /// then cut back to what it held before (or will be by <see cref="Repair"/>), so a resent result is written whole.
    /// </summary>
    public void Append(IReadOnlyList<ResultStatus> entries)
    {
        lock (_gate)
        {
            AppendLocked(entries);
            if (_hooks)
            {
                _unhooked += entries.Count;
            }
        }
    }

    private void AppendLocked(IReadOnlyList<ResultStatus> entries)
    {
        if (!File.Exists(_path))
        {
            // Writes to a deleted file succeed and vanish: stop acknowledging into it (Repair makes a new one).
            throw new IOException($"the journal {_path} was deleted or moved");
        }
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            foreach (var entry in entries)
            {
                JsonSerializer.Serialize(json, entry, ProtocolJsonContext.Default.ResultStatus);
                json.Flush();
                json.Reset();
                _buffer.Write("\n"u8);
            }
        }
        Write(_buffer.WrittenSpan);
        if (_buffer.Capacity > 1024 * 1024)
        {
            _buffer = new ArrayBufferWriter<byte>(64 * 1024); // one huge batch must not pin its buffer
        }
    }

    /// <summary>Records that every entry so far has its server.log line and output file; rotates a full file.</summary>
    public void MarkDerived()
    {
        lock (_gate)
        {
            // Losing it to a power cut costs only a check at the next start. Without a hook, every entry is settled too.
            Write(_hooks ? Marker : [.. Marker, .. AllHooked], sync: false);
            if (_goodLength >= _maxBytes)
            {
                Rotate();
            }
        }
    }

    /// <summary>
    /// Records that the hook of one entry has ended (not synced: a power cut may lose it, and the result is then hooked
    /// again at the next start). When it was the last one outstanding, writes <c>{"hooked":"*"}</c> instead, so the next
    /// start need not look further back. Throws <see cref="IOException"/> when the line cannot be written.
    /// </summary>
    public void MarkHooked(string id, string builder)
    {
        lock (_gate)
        {
            if (_unhooked <= 1)
            {
                Write(AllHooked, sync: false);
            }
            else
            {
                var line = new ArrayBufferWriter<byte>(128);
                using (var json = new Utf8JsonWriter(line))
                {
                    json.WriteStartObject();
                    json.WriteString("hooked", id);
                    json.WriteString("builder", builder);
                    json.WriteEndObject();
                }
                line.Write("\n"u8);
                Write(line.WrittenSpan, sync: false);
            }
            _unhooked = Math.Max(0, _unhooked - 1);
        }
    }

    /// <summary>
    /// After a failure: reopens the file, cuts it back to its last good length and proves the disk takes a write again
    /// (a marker, synced). Throws <see cref="IOException"/> while it does not.
    /// </summary>
    public void Repair()
    {
        lock (_gate)
        {
            RepairLocked();
        }
    }

    private void RepairLocked()
    {
        _file?.Dispose();
        _file = null;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var file = _open(_path);
        _file = file;
        if (file.Length > _goodLength)
        {
            file.Truncate(_goodLength);
        }
        _goodLength = file.Length;
        if (_goodLength == 0)
        {
            _prefix = Header;
        }
        Write(Marker);
        ProveRoom();
    }

    /// <summary>
    /// A full disk can still take the short marker in the partly used last block of the journal, while an entry with
    /// its output tail needs several blocks: resuming on the marker alone would flap between "resumed" and "cannot
    /// record" at every retry. So a block as large as a large entry is written and synced beside the journal, then
    /// removed. Throws <see cref="IOException"/> when the disk refuses it.
    /// </summary>
    private void ProveRoom()
    {
        var probe = _path + ".room";
        try
        {
            using var file = _open(probe);
            file.Append(RoomProbe);
            file.Sync();
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private void Write(ReadOnlySpan<byte> bytes, bool sync = true)
    {
        var file = _file ?? throw new IOException($"the journal {_path} is not open");
        try
        {
            if (_prefix is { } prefix)
            {
                file.Append(prefix);
            }
            file.Append(bytes);
            _prefix = null;
            if (sync)
            {
                file.Sync();
            }
            _goodLength = file.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            try
            {
                file.Truncate(_goodLength); // whole lines only; a failed sync may have lost pages, so they are written again
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // Repair() cuts it back before anything else is written.
            }
            throw ex as IOException ?? new IOException(ex.Message, ex);
        }
    }

    private void Rotate()
    {
        _file!.Dispose();
        _file = null;
        File.Move(_path, _path + ".1", overwrite: true);
        _file = _open(_path);
        _goodLength = 0;
        _prefix = Header;
    }

    /// <summary>Cuts a last line that has no newline (a write cut short); returns how many bytes went.</summary>
    private static long CutTornTail(IRecordFile file)
    {
        var length = file.Length;
        if (length == 0)
        {
            return 0;
        }
        using var stream = file.OpenRead();
        var end = length;
        var chunk = new byte[8192];
        while (end > 0)
        {
            var start = Math.Max(0, end - chunk.Length);
            stream.Position = start;
            stream.ReadExactly(chunk, 0, (int)(end - start));
            var newline = chunk.AsSpan(0, (int)(end - start)).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                end = start + newline + 1;
                break;
            }
            end = start;
        }
        if (end < length)
        {
            file.Truncate(end);
        }
        return length - end;
    }

    /// <summary>
    /// Reads every line, collecting in <paramref name="underived"/> the entries after the last marker; returns true when
    /// the file has neither header nor marker (a history file written by an older version).
    /// </summary>
    private static bool Read(IRecordFile file, Action<ResultStatus> onEntry, Action<string, string?> onHooked, HookCount hooks,
        ref int entries, ref int unparseable, List<ResultStatus>? underived = null)
    {
        var first = true;
        var legacy = false;
        var marked = false;
        using var reader = new StreamReader(file.OpenRead(), new UTF8Encoding(false));
        while (reader.ReadLine() is { } line)
        {
            var header = line.StartsWith("{\"journal\":", StringComparison.Ordinal);
            legacy |= first && !header;
            first = false;
            if (header)
            {
                continue;
            }
            if (line.StartsWith("{\"derived\":", StringComparison.Ordinal))
            {
                underived?.Clear();
                marked = true;
                continue;
            }
            if (line.StartsWith("{\"hooked\":", StringComparison.Ordinal))
            {
                if (HookMarker(line) is { } hooked)
                {
                    hooks.Seen = true;
                    hooks.Unhooked = hooked.Id == AllHookedId ? 0 : Math.Max(0, hooks.Unhooked - 1);
                    onHooked(hooked.Id, hooked.Builder);
                }
                else
                {
                    unparseable++;
                }
                continue;
            }
            ResultStatus? entry = null;
            try
            {
                entry = JsonSerializer.Deserialize(line, ProtocolJsonContext.Default.ResultStatus);
            }
            catch (JsonException)
            {
                // A line glued together by an older version after a full disk: skipped and counted.
            }
            if (entry is null)
            {
                unparseable++;
                continue;
            }
            entries++;
            hooks.Unhooked++;
            underived?.Add(entry);
            onEntry(entry);
        }
        return legacy && !marked;
    }

    /// <summary>Id and builder of a <c>{"hooked":...}</c> line, or null when it does not parse.</summary>
    private static (string Id, string? Builder)? HookMarker(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.TryGetProperty("hooked", out var id) && id.ValueKind == JsonValueKind.String)
            {
                var builder = root.TryGetProperty("builder", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
                return (id.GetString()!, builder);
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    /// <summary>What the hook markers of the files read so far say.</summary>
    private sealed class HookCount
    {
        public bool Seen;
        public long Unhooked;
    }
}
