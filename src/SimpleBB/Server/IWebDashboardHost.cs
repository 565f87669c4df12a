namespace SimpleBB.Server;

/// <summary>
/// The web dashboard as the server sees it: something that listens on its own address and reads the server's state.
/// It lives in its own assembly (SimpleBB.Web, ASP.NET Core) so this library and the other daemons stay free of it;
/// simplebb-server's Program.cs passes one to <see cref="ServerCommand.Create"/>.
/// </summary>
public interface IWebDashboardHost
{
    /// <summary>
    /// Binds and starts serving (pages answer "starting" until <see cref="Attach"/>); returns the page's base URL,
    /// e.g. http://127.0.0.1:7901/. Throws <see cref="IOException"/> when the address cannot be used.
    /// </summary>
    Task<Uri> StartAsync(System.Net.IPEndPoint endpoint, Serilog.ILogger log, CancellationToken cancellationToken);

    /// <summary>Gives the pages read access to the running server.</summary>
    void Attach(DashboardState state);

    /// <summary>Ends open pages' event streams and stops listening.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
