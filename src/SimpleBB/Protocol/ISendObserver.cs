namespace SimpleBB.Protocol;

/// <summary>
/// Told when an <see cref="OutgoingQueue"/> has stopped sending. The server's sessions use it instead of awaiting
/// <see cref="OutgoingQueue.WaitForSendingToEndAsync"/>, so that an idle connection holds no waiting task.
/// </summary>
public interface ISendObserver
{
    /// <param name="error">Why the writing failed, or null when everything queued was written after CompleteSending.</param>
    void SendEnded(Exception? error);
}
