using System.Runtime.InteropServices;

namespace SimpleBB.Processes;

/// <summary>
/// The C library calls that start, wait for and signal child processes. Every parameter is a plain number or pointer,
/// so no marshalling code is generated and NativeAOT calls them directly. The spawn attribute and file-action objects
/// are opaque and of different sizes per C library (336 and 80 bytes in glibc, a pointer on macOS): callers allocate
/// <see cref="OpaqueBytes"/>, more than any of them needs.
/// </summary>
internal static unsafe class Libc
{
    public const int OpaqueBytes = 1024;

    public const int SigTerm = 15;
    public const int SigKill = 9;

    public const int OpenReadOnly = 0;
    public const int Eintr = 4;
    public const int Echild = 10;

    /// <summary>O_CLOEXEC for pipe2 (Linux, all architectures .NET runs on).</summary>
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>
    /// posix_spawn flags: reset the listed signals to their default action (SETSIGDEF, 0x04), set the signal mask
    /// (SETSIGMASK, 0x08), and start a new session (SETSID: 0x80 in glibc 2.26+, 0x400 on macOS 10.15+). macOS also
    /// gets CLOEXEC_DEFAULT (0x4000): it has no pipe2, so its pipe ends are not close-on-exec by themselves, and this
    /// flag closes every descriptor the file actions do not name.
    /// </summary>
    public static short SpawnFlags => OperatingSystem.IsMacOS() ? (short)(0x04 | 0x08 | 0x400 | 0x4000) : (short)(0x04 | 0x08 | 0x80);

    /// <summary>A pipe whose ends are close-on-exec where the system can do that atomically, so no other child inherits them.</summary>
    public static int Pipe(int* fds) => OperatingSystem.IsLinux() ? pipe2(fds, OpenCloseOnExec) : pipe(fds);

    [DllImport("libc", SetLastError = true)]
    private static extern int pipe2(int* fds, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int pipe(int* fds);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    [DllImport("libc")]
    public static extern int posix_spawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_init(void* fileActions);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_destroy(void* fileActions);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int flags, int mode);

    /// <summary>glibc 2.29+ and macOS 10.15+.</summary>
    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_addchdir_np(void* fileActions, byte* path);

    [DllImport("libc")]
    public static extern int posix_spawnattr_init(void* attributes);

    [DllImport("libc")]
    public static extern int posix_spawnattr_destroy(void* attributes);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setflags(void* attributes, short flags);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setsigdefault(void* attributes, void* signals);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setsigmask(void* attributes, void* signals);

    [DllImport("libc")]
    public static extern int sigfillset(void* signals);

    [DllImport("libc")]
    public static extern int sigemptyset(void* signals);

    [DllImport("libc", SetLastError = true)]
    public static extern int waitpid(int pid, int* status, int options);

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int signal);
}
