using System.Net;
using SimpleBB.Web;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>
/// A real server (<see cref="ServerFixture"/>) with its web dashboard on 127.0.0.1 port 0, and an HTTP client for it.
/// </summary>
internal sealed class WebFixture : IAsyncDisposable
{
    private readonly WebDashboard _web;

    private WebFixture(ServerFixture server, WebDashboard web, Uri baseUrl)
    {
        Server = server;
        _web = web;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(20) };
    }

    public ServerFixture Server { get; }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    /// <param name="folder">The server's folder (server.log, simplebb.db).</param>
    /// <param name="web">A dashboard with non-default limits, if wanted.</param>
    /// <param name="configure">Changes to the server's options.</param>
    /// <param name="httpPort">The page's port (a restarted server takes its predecessor's); 0 picks one.</param>
    public static async Task<WebFixture> StartAsync(string folder, WebDashboard? web = null,
        Func<SimpleBB.Server.ServerOptions, SimpleBB.Server.ServerOptions>? configure = null, int httpPort = 0)
    {
        web ??= new WebDashboard();
        var server = ServerFixture.Start(folder, configure: configure);
        var url = await web.StartAsync(new IPEndPoint(IPAddress.Loopback, httpPort), server.Logger, CancellationToken.None);
        web.Attach(server.Server.Dashboard);
        return new WebFixture(server, web, url);
    }

    public async Task<string> GetStringAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsStringAsync();
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Http.Dispose();
        await _web.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
    }
}
