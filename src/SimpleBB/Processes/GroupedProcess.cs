using System.ComponentModel;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SimpleBB.Processes;

/// <summary>
/// A child started the way a login shell would start it, in a session of its own: one posix_spawn, no shell and no
/// setsid(1) (which cost a second program start per build). Every signal is reset to its default action and the
/// signal mask is empty, because the .NET runtime ignores SIGPIPE and an ignored signal survives exec: a script's
/// <c>yes | head -c 1</c> would print "Broken pipe". Its own session means a Ctrl-C at the daemon's terminal or a
/// service manager signalling the daemon's group reaches the daemon only, and the child and everything it starts can
/// be signalled as one group (its pid is the group's id). stdin is /dev/null; stdout and stderr share one pipe, so the
/// output keeps the order in which the child wrote it.
/// </summary>
public sealed class GroupedProcess : IDisposable
{
    private GroupedProcess(int pid, Stream output)
    {
        Pid = pid;
        Output = output;
        Exited = WaitForExit(pid);
    }

    /// <summary>The child's pid, which is also its session's and process group's id.</summary>
    public int Pid { get; }

    /// <summary>The child's stdout and stderr, to read to the end.</summary>
    public Stream Output { get; }

    /// <summary>
    /// The exit code once the child has exited and been reaped: its own, or 128 + the signal that ended it (as a shell
    /// reports it); -1 if it could not be reaped (something else in the process waited for it).
    /// </summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    /// <summary>Starts the child; a program that cannot be started is a <see cref="Win32Exception"/> with the system's reason.</summary>
    public static unsafe GroupedProcess Start(ChildStart start)
    {
        var strings = new List<nint>();
        byte* Utf8(string text)
        {
            var native = Marshal.StringToCoTaskMemUTF8(text);
            strings.Add(native);
            return (byte*)native;
        }
        byte** NullTerminated(IReadOnlyList<string> items)
        {
            var array = (byte**)NativeMemory.AllocZeroed((nuint)(items.Count + 1), (nuint)sizeof(nint));
            strings.Add((nint)array);
            for (var i = 0; i < items.Count; i++)
            {
                array[i] = Utf8(items[i]);
            }
            return array;
        }

        var pipe = stackalloc int[2];
        if (Libc.Pipe(pipe) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }
        var actions = NativeMemory.AllocZeroed(Libc.OpaqueBytes);
        var attributes = NativeMemory.AllocZeroed(Libc.OpaqueBytes);
        var signals = NativeMemory.AllocZeroed(Libc.OpaqueBytes);
        var started = false;
        try
        {
            Check(Libc.posix_spawn_file_actions_init(actions));
            Check(Libc.posix_spawnattr_init(attributes));
            try
            {
                Check(Libc.posix_spawn_file_actions_addopen(actions, 0, Utf8("/dev/null"), Libc.OpenReadOnly, 0));
                Check(Libc.posix_spawn_file_actions_adddup2(actions, pipe[1], 1));
                Check(Libc.posix_spawn_file_actions_adddup2(actions, pipe[1], 2));
                Check(Libc.posix_spawn_file_actions_addchdir_np(actions, Utf8(start.WorkingDirectory)));
                Check(Libc.posix_spawnattr_setflags(attributes, Libc.SpawnFlags));
                Check(Libc.sigfillset(signals) == 0 ? 0 : Marshal.GetLastPInvokeError());
                if (OperatingSystem.IsLinux())
                {
                    // glibc's sigfillset leaves out its two internal signals (32 and 33), and its posix_spawn then
                    // sets them to SIG_IGN in the child, where exec keeps them ignored. A shell's children have them at
                    // their default, so set their bits too: Linux's sigset_t is a plain bit mask, signal n at bit n-1.
                    *(ulong*)signals = ulong.MaxValue;
                }
                Check(Libc.posix_spawnattr_setsigdefault(attributes, signals));
                Check(Libc.sigemptyset(signals) == 0 ? 0 : Marshal.GetLastPInvokeError());
                Check(Libc.posix_spawnattr_setsigmask(attributes, signals));

                var argv = NullTerminated([start.Program, .. start.Arguments]);
                var envp = NullTerminated(ChildEnvironment.For(start.Variables));
                int pid;
                Check(Libc.posix_spawn(&pid, Utf8(start.Program), actions, attributes, argv, envp));
                started = true;
                var output = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(pipe[0], ownsHandle: true));
                return new GroupedProcess(pid, output);
            }
            finally
            {
                Libc.posix_spawnattr_destroy(attributes);
                Libc.posix_spawn_file_actions_destroy(actions);
            }
        }
        finally
        {
            Libc.close(pipe[1]); // the child has its own copies; the read end sees the end once they are all closed
            if (!started)
            {
                Libc.close(pipe[0]);
            }
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            foreach (var native in strings)
            {
                Marshal.FreeCoTaskMem(native);
            }
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the child's whole process group: the child and all it started there.</summary>
    public void SignalGroup(int signal) => _ = Libc.kill(-Pid, signal);

    public void Dispose() => Output.Dispose();

    private static void Check(int error)
    {
        if (error != 0)
        {
            throw new Win32Exception(error);
        }
    }

    /// <summary>
    /// Reaps the child on a small thread of its own, blocked in waitpid until it exits: the runtime's process support
    /// only reaps the children it started itself, and a blocking wait costs no polling and no timer.
    /// </summary>
    private static Task<int> WaitForExit(int pid)
    {
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => exited.SetResult(Reap(pid)), maxStackSize: 128 * 1024) { IsBackground = true, Name = "simplebb child " + pid };
        thread.UnsafeStart();
        return exited.Task;
    }

    private static unsafe int Reap(int pid)
    {
        int status;
        while (Libc.waitpid(pid, &status, 0) == -1)
        {
            if (Marshal.GetLastPInvokeError() != Libc.Eintr)
            {
                return -1;
            }
        }
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }
}
