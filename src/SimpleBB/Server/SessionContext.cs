using Serilog;

namespace SimpleBB.Server;

/// <summary>
/// What a <see cref="ServerSession"/> works with: named parts rather than the whole server, so a session's reach is
/// visible in one place and every part can be built and tested without the others.
/// </summary>
internal sealed record SessionContext(
    ServerOptions Options,
    BuildRegistry Registry,
    ResultRecorder Recorder,
    EventHub Events,
    LatestResults Latest,
    TokenCheck? Tokens,
    AuthThrottle Throttle,
    Action<ServerSession, string> Closed,
    ILogger Log);
