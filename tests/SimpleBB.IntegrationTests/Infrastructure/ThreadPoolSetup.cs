using System.Runtime.CompilerServices;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>
/// The test host itself blocks two thread-pool threads for the whole run (its message loop polls a socket, and the
/// xunit adapter waits for the assembly), which on a 2-core machine is the pool's whole minimum: a server running
/// in this process then waits about half a second for each extra thread, long enough to miss a 200 ms heartbeat.
/// A real server has its process to itself, so this only restores what it would have.
/// </summary>
internal static class ThreadPoolSetup
{
    [ModuleInitializer]
    internal static void RaiseMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount + 8), io);
    }
}
