namespace SimpleBB.IntegrationTests;

/// <summary>
/// A stream whose writes never complete, like a peer that stopped reading once its buffers are full, but without
/// depending on how much the kernel buffers first. <see cref="WriteStarted"/> says when the first write began.
/// </summary>
internal sealed class StalledStream : Stream
{
    private readonly TaskCompletionSource _writeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WriteStarted => _writeStarted.Task;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _writeStarted.TrySetResult();
        return new ValueTask(Task.Delay(Timeout.Infinite, cancellationToken));
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
