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

    public static async Task<WebFixture> StartAsync(string folder, WebDashboard? web = null, Func<SimpleBB.Server.ServerOptions, SimpleBB.Server.ServerOptions>? configure = null)
    {
        web ??= new WebDashboard();
        var server = ServerFixture.Start(folder, configure: configure);
        var url = await web.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), server.Logger, CancellationToken.None);
        web.Attach(server.Server.Dashboard);
        return new WebFixture(server, web, url);
    }

    public async Task<string> GetStringAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _web.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
    }
}
