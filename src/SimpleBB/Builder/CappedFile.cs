using System.Text;

namespace SimpleBB.Builder;

/// <summary>A build's output file that stops growing at a cap and says so, so a runaway script costs bounded disk.</summary>
internal sealed class CappedFile(string path, long cap) : IAsyncDisposable
{
    private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.Write, FileShare.Read, 16 * 1024, useAsync: true);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _written;
    private bool _full;

    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_full)
            {
                return;
            }
            var room = (int)Math.Min(data.Length, cap - _written);
            await _stream.WriteAsync(data[..room]).ConfigureAwait(false);
            _written += room;
            _full = _written >= cap;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Notes in the file how much output was left out.</summary>
    public void Complete(long totalBytes)
    {
        _gate.Wait();
        try
        {
            if (_full && totalBytes > _written)
            {
                _stream.Write(Encoding.UTF8.GetBytes($"\n[simplebb: output truncated: {totalBytes - _written} more bytes not kept]\n"));
            }
            _full = true; // a pump that outlived the script writes nothing more
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
