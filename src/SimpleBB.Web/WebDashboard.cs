using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>
/// The read-only web dashboard: Kestrel (slim builder), minimal APIs, pages rendered on the server with every
/// builder-supplied text escaped, and Server-Sent Events so an open page updates itself. Its own requests never
/// take the server's locks for long: each page reads one snapshot, as a status client does.
/// </summary>
public sealed class WebDashboard : IWebDashboardHost
{
    /// <summary>Open pages beyond this get 503 (each costs a connection and a small queue).</summary>
    public int MaxSubscribers { get; init; } = 500;

    /// <summary>Events sent to a page per tenth of a second at most; older ones of a burst are counted, not sent.</summary>
    public int MaxEventsPerItem { get; init; } = 50;

    /// <summary>SSE items (each an event or a tenth of a second's batch) queued for one page before it is dropped as not reading.</summary>
    public int SubscriberQueue { get; init; } = 256;

    private EventBroadcaster? _broadcasterCreated;

    private EventBroadcaster Broadcaster => _broadcasterCreated ??= new EventBroadcaster(MaxEventsPerItem);

    /// <summary>Pages following the event stream now.</summary>
    public int OpenStreams => Broadcaster.Count;
    private volatile DashboardState? _state;
    private IDisposable? _broadcastSubscription;
    private Task _broadcasting = Task.CompletedTask;
    private WebApplication? _app;
    private Serilog.ILogger _log = Serilog.Core.Logger.None;
    private CancellationTokenSource? _pinging;
    private Task _pings = Task.CompletedTask;

    public async Task<Uri> StartAsync(IPEndPoint endpoint, Serilog.ILogger log, CancellationToken cancellationToken)
    {
        _log = log;
        // The empty builder: no configuration files or environment variables (an appsettings.json beside the executable
        // or an ASPNETCORE_ variable cannot change what this serves), no file watcher; only Kestrel and routing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new SerilogLoggerProvider(log.ForContext("SourceContext", "web")));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint);
            kestrel.Limits.MaxConcurrentConnections = MaxSubscribers + 100;
            kestrel.Limits.MaxRequestBodySize = 0; // read-only: nothing is uploaded
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        });
        var app = builder.Build();
        app.Use(SecurityHeaders);
        Map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException(ex.InnerException?.Message ?? ex.Message, ex);
        }
        _app = app;
        _pinging = new CancellationTokenSource();
        _pings = PingAsync(_pinging.Token);
        _broadcasting = Broadcaster.RunAsync(_pinging.Token);
        var bound = app.Urls.First();
        return new Uri(bound.EndsWith('/') ? bound : bound + "/");
    }

    public void Attach(DashboardState state)
    {
        _broadcastSubscription = state.Subscribe(Broadcaster);
        _state = state;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _broadcastSubscription?.Dispose();
        Broadcaster.CompleteAll(); // open pages see the stream end and reconnect to the next server
        if (_pinging is not null)
        {
            await _pinging.CancelAsync().ConfigureAwait(false);
            await _pings.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _broadcasting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Pages may only load what the server itself serves, run no inline script, and not be framed.</summary>
    private static Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return next(context);
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/", (HttpContext context) => Page(context, state => new RenderedPage(HomePage.Render(state, Farm.Read(state)))));
        app.MapGet("/project/{project}", (string project, HttpContext context) =>
            TryBefore(context, out var before) ? Page(context, state => ProjectPage.Render(state, Farm.Read(state), project, before)) : BadBefore());
        app.MapGet("/build/{id}", (string id, HttpContext context) => Page(context, state => BuildPage.Render(state, Farm.Read(state), id)));
        app.MapGet("/builder/{name}", (string name, HttpContext context) =>
            TryBefore(context, out var before) ? Page(context, state => BuilderPage.Render(state, Farm.Read(state), name, before)) : BadBefore());
        app.MapGet("/output/{project}/{id}/{builder}", (string project, string id, string builder) => Output(project, id, builder));
        app.MapGet("/badge/{file}", (string file) => BadgeFor(file));
        app.MapGet("/static/{file}", (string file, HttpContext context) => Static(file, context));
        var api = new Api(() => _state);
        api.Map(app);
        app.MapGet("/api/events", (HttpContext context, CancellationToken cancellationToken) => Events(context, cancellationToken));
    }

    private IResult Page(HttpContext context, Func<DashboardState, RenderedPage> render)
    {
        if (_state is not { } state)
        {
            return TypedResults.Problem("The server is starting", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var page = render(state);
        ServerTiming(context, start);
        return TypedResults.Content(page.Html, "text/html; charset=utf-8", statusCode: page.Found ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
    }

    /// <summary>The optional <c>?before=N</c> of a paged list: absent, or a positive sequence number.</summary>
    internal static bool TryBefore(HttpContext context, out long? before)
    {
        before = null;
        if (!context.Request.Query.TryGetValue("before", out var values))
        {
            return true;
        }
        if (values.Count == 1 && long.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq) && seq > 0)
        {
            before = seq;
            return true;
        }
        return false;
    }

    internal static IResult BadBefore() =>
        TypedResults.Problem("before must be one positive whole number (the seq the \"older\" link gives)", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>How long the server took to read its state and render (Server-Timing: the benchmark reads it; so can a browser's tools).</summary>
    internal static void ServerTiming(HttpContext context, long start) =>
        context.Response.Headers["Server-Timing"] =
            "render;dur=" + System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private IResult Output(string project, string id, string builder)
    {
        if (_state?.OutputPath(project, id, builder) is not { } path || !File.Exists(path))
        {
            return TypedResults.NotFound();
        }
        // Always text/plain (with nosniff): output is whatever a build printed, never a page.
        return TypedResults.PhysicalFile(path, "text/plain; charset=utf-8");
    }

    private IResult BadgeFor(string file)
    {
        if (!file.EndsWith(".svg", StringComparison.Ordinal) || _state is not { } state)
        {
            return TypedResults.NotFound();
        }
        var project = file[..^4];
        var farm = Farm.Read(state);
        var word = farm.History.BuildsOfProject(project, null, 1) is [var latest] ? farm.Summaries([latest], [])[0].Summary() : "unknown";
        return TypedResults.Content(Badge.Render(project, word), "image/svg+xml; charset=utf-8");
    }

    private static IResult Static(string file, HttpContext context)
    {
        if (!Assets.TryGet(file, out var bytes, out var contentType))
        {
            return TypedResults.NotFound();
        }
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(bytes, contentType);
    }

    private async Task Events(HttpContext context, CancellationToken cancellationToken)
    {
        if (_state is not { } state)
        {
            await TypedResults.Problem("The server is starting", statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        if (Broadcaster.Count >= MaxSubscribers)
        {
            context.Response.Headers.RetryAfter = "30";
            await TypedResults.Problem($"At most {MaxSubscribers} open pages", statusCode: StatusCodes.Status503ServiceUnavailable)
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        var address = context.Connection.RemoteIpAddress?.ToString();
        var subscriber = new EventSubscriber(SubscriberQueue,
            dropped: _ => _log.Warning("Dropped the event stream of a web page at {Address}: it stopped reading", address),
            ended: Broadcaster.Remove);
        Broadcaster.Add(subscriber);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers.ContentEncoding = "identity";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events on at once
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // The first item sets how soon the browser reconnects after the server restarts. Frames are written as
        // encoded once for every page (SseFrame), not formatted again per page.
        var hello = SseFrame.Encode("hello", "{\"server\":\"" + System.Text.Json.JsonEncodedText.Encode(state.ServerName).ToString() + "\"}",
            TimeSpan.FromSeconds(2));
        await subscriber.WriteAllAsync(response.BodyWriter, hello, cancellationToken).ConfigureAwait(false);
    }

    private async Task PingAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                Broadcaster.Ping();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
