using System.Net;
using System.Net.Sockets;
using System.Text;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Web;

namespace SimpleBB.IntegrationTests;

/// <summary>The web dashboard over real HTTP on 127.0.0.1: pages, API, events, escaping and headers.</summary>
public sealed class WebDashboardTests : IDisposable
{
    private const string Hostile = "<script>alert('x')</script>";
    private const string Rtl = "\u202Egnp.exe";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(WebFixture Web, BuilderFixture Builder, string Id)> FarmWithOneBuildAsync(WebDashboard? web = null)
    {
        _dir.Script("scripts", "foo", "echo building foo $1; exit 0");
        _dir.Script("scripts", "bar", "echo bar is broken on $1; exit 3");
        var fixture = await WebFixture.StartAsync(_dir.Path, web);
        var builder = BuilderFixture.Start(_dir.Path, fixture.Server.Port, "alpha", _dir["scripts"]);
        await fixture.Server.WaitForBuildersAsync(1);
        var (id, _) = fixture.Server.Server.DispatchForTest("foo", "v1");
        fixture.Server.Server.DispatchForTest("bar", "v2");
        await fixture.Server.WaitForLogAsync("FAILED 3 bar/v2 on alpha");
        return (fixture, builder, id);
    }

    [Fact]
    public async Task Every_page_and_api_answers_with_its_content_type_and_the_security_headers()
    {
        var (web, builder, id) = await FarmWithOneBuildAsync();
        await using var _ = web;
        await using var __ = builder;
        (string Path, string Type, string Contains)[] expected =
        [
            ("/", "text/html", "alpha"),
            ("/project/foo", "text/html", "v1"),
            ("/build/" + id, "text/html", "building foo v1"),
            ("/builder/alpha", "text/html", "foo"),
            ($"/output/foo/{id}/alpha", "text/plain", "building foo v1"),
            ("/api/status", "application/json", "\"type\":\"snapshot\""),
            ("/api/projects", "application/json", "\"state\":\"failing\""),
            ("/api/projects/foo", "application/json", "\"outcome\":\"SUCCESS\""),
            ("/api/projects/bar/latest", "application/json", "\"outcome\":\"FAILED 3\""),
            ("/api/builds/" + id, "application/json", "\"builder\":\"alpha\""),
            ("/api/builders/alpha", "application/json", "\"online\":true"),
            ("/api/builders/alpha/latest", "application/json", "\"project\":\"bar\""),
            ("/badge/foo.svg", "image/svg+xml", "passing"),
            ("/badge/bar.svg", "image/svg+xml", "failing"),
            ("/static/app.js", "text/javascript", "EventSource"),
            ("/static/app.css", "text/css", ".o-pass"),
        ];
        foreach (var (path, type, contains) in expected)
        {
            using var response = await web.Http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(contains, body, StringComparison.Ordinal);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        }
        foreach (var missing in new[] { "/api/builds/nope", "/api/builders/nobody", "/output/foo/nope/alpha", "/static/../../etc/passwd", "/badge/foo.png" })
        {
            using var response = await web.Http.GetAsync(missing);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Pages_show_results_in_words_under_table_headers_not_by_colour_alone()
    {
        var (web, builder, id) = await FarmWithOneBuildAsync();
        await using var _ = web;
        await using var __ = builder;
        var home = await web.GetStringAsync("/");
        Assert.Contains("<th scope=\"col\">Project</th>", home, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\"><a href=\"/project/foo\">foo</a></th>", home, StringComparison.Ordinal);
        Assert.Contains("</span> PASS</span>", home, StringComparison.Ordinal);
        Assert.Contains("</span> FAIL 3</span>", home, StringComparison.Ordinal);
        Assert.Contains("online</span>", home, StringComparison.Ordinal);
        var build = await web.GetStringAsync("/build/" + id);
        Assert.Contains("<th scope=\"col\">Exit code</th>", build, StringComparison.Ordinal);
        Assert.Contains($"href=\"/output/foo/{id}/alpha\"", build, StringComparison.Ordinal);
        var project = await web.GetStringAsync("/project/foo");
        Assert.Contains("<svg viewBox=", project, StringComparison.Ordinal);
        Assert.Contains("role=\"img\" aria-label=\"Longest duration", project, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_status_is_what_simplebb_status_json_prints()
    {
        var (web, builder, _) = await FarmWithOneBuildAsync();
        await using var __ = web;
        await using var ___ = builder;
        var status = await Executables.RunAsync("status", ["--json", "--host", "127.0.0.1", "--port", web.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(0, status.ExitCode);
        Assert.Equal(status.Stdout.TrimEnd('\n'), (await web.GetStringAsync("/api/status")).TrimEnd('\n'));
    }

    [Fact]
    public async Task Hostile_builder_text_comes_back_escaped_on_every_page()
    {
        await using var web = await WebFixture.StartAsync(_dir.Path);
        const string name = "<b>evil";
        await using var peer = await RawPeer.ConnectAsync(web.Server.Port);
        var uname = new Uname { Sysname = Hostile, Nodename = "node" + Rtl, Release = "<img src=x onerror=alert(1)>", Version = "\"quoted\" & 'single'", Machine = "x86_64" };
        await peer.SendAsync(new Hello { Role = Roles.Builder, Name = name, Version = "test", Protocol = ProtocolLimits.Version, Uname = uname, Runtime = Rtl + " " + Hostile });
        Assert.IsType<Welcome>(await peer.ReceiveAsync());
        await web.Server.WaitForBuildersAsync(1);
        var (id, _) = web.Server.Server.DispatchForTest("foo", "r<1>");
        var build = await peer.ReceiveAsync<BuildMessage>();
        await peer.SendAsync(new ResultMessage
        {
            Id = build.Id, Project = "foo", Revision = "r<1>", ExitCode = 1, DurationMs = 5, Uname = uname, Runtime = Rtl + " " + Hostile,
            Output = $"line one\n{Hostile}\n{Rtl}\n\u001b[31mred\u001b[0m & <b>",
        });
        await peer.ReceiveAsync<Ack>();
        foreach (var path in new[] { "/", "/project/foo", "/build/" + id, "/builder/" + Uri.EscapeDataString(name) })
        {
            var html = await web.GetStringAsync(path);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>evil", html, StringComparison.Ordinal);
            Assert.DoesNotContain("\u202E", html, StringComparison.Ordinal);
            Assert.Contains("&lt;b&gt;evil", html, StringComparison.Ordinal);
            if (!path.StartsWith("/project/", StringComparison.Ordinal))
            {
                Assert.Contains("&lt;U+202E&gt;", html, StringComparison.Ordinal); // uname and runtime are on these pages
            }
        }
        var page = await web.GetStringAsync("/build/" + id);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("\u241B[31mred", page, StringComparison.Ordinal); // ESC shown as a visible symbol
        Assert.Contains("r&lt;1&gt;", page, StringComparison.Ordinal);
        var badge = await web.GetStringAsync("/badge/foo.svg");
        Assert.Contains("failing", badge, StringComparison.Ordinal);
        using var output = await web.Http.GetAsync($"/output/foo/{id}/{Uri.EscapeDataString(name)}");
        Assert.Equal("text/plain", output.Content.Headers.ContentType?.MediaType);
        Assert.Contains(Hostile, await output.Content.ReadAsStringAsync(), StringComparison.Ordinal); // as text, never as a page
    }

    [Fact]
    public async Task Invalid_utf8_output_is_shown_with_replacement_characters_and_served_as_plain_text()
    {
        _dir.Script("scripts", "foo", "printf 'ok\\377\\376<script>x</script>\\n'; exit 0");
        await using var web = await WebFixture.StartAsync(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, web.Server.Port, "alpha", _dir["scripts"]);
        await web.Server.WaitForBuildersAsync(1);
        var (id, _) = web.Server.Server.DispatchForTest("foo", "v1");
        await web.Server.WaitForLogAsync("SUCCESS foo/v1 on alpha");
        var page = await web.GetStringAsync("/build/" + id);
        Assert.Contains("ok\uFFFD\uFFFD&lt;script&gt;x&lt;/script&gt;", page, StringComparison.Ordinal);
        using var output = await web.Http.GetAsync($"/output/foo/{id}/alpha");
        Assert.Equal("text/plain", output.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", output.Content.Headers.ContentType?.CharSet);
        Assert.Equal("nosniff", string.Join(",", output.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task The_event_stream_pushes_suggested_started_and_result_events_to_an_open_page()
    {
        _dir.Script("scripts", "foo", "echo hi; exit 0");
        await using var web = await WebFixture.StartAsync(_dir.Path);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        using var response = await web.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: hello", await reader.ReadLineAsync());
        await using var builder = BuilderFixture.Start(_dir.Path, web.Server.Port, "alpha", _dir["scripts"]);
        await web.Server.WaitForBuildersAsync(1);
        await using var suggester = await RawPeer.HelloAsync(web.Server.Port, Roles.Suggest, "tester");
        await suggester.SendAsync(new SuggestMessage { Project = "foo", Revision = "v1" });
        var id = (await suggester.ReceiveAsync<Accepted>()).Id;
        // Events come one per SSE event (named by kind) or, when several were gathered, as one "batch" listing them.
        var events = new List<System.Text.Json.JsonElement>();
        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!events.Any(e => e.GetProperty("kind").GetString() == "result"))
        {
            var line = await reader.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("stream ended: " + string.Join('\n', lines));
            lines.Add(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal) && lines.Count > 2)
            {
                var data = System.Text.Json.JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                events.AddRange(data.TryGetProperty("events", out var batch) ? batch.EnumerateArray() : [data]);
            }
        }
        var kinds = events.Select(e => e.GetProperty("kind").GetString()).ToArray();
        Assert.Equal(["connected", "result", "started", "suggested"], kinds.Order()); // a fast builder may start before "suggested" is told
        Assert.Contains(lines, l => l is "event: connected" or "event: batch");
        var result = events[^1];
        Assert.Equal((id, "alpha", "SUCCESS"), (result.GetProperty("id").GetString(), result.GetProperty("builder").GetString(), result.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_page_that_stops_reading_its_events_is_dropped_and_open_pages_are_bounded()
    {
        // Large items (every event of a tenth of a second) fill the stuck page's socket quickly.
        var dashboard = new WebDashboard { SubscriberQueue = 8, MaxSubscribers = 2, MaxEventsPerItem = 5000 };
        await using var web = await WebFixture.StartAsync(_dir.Path, dashboard);
        // A page that never reads, with a small receive window so the kernel does not soak up the stream.
        using var stuck = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync(IPAddress.Loopback, web.BaseUrl.Port);
        await stuck.SendAsync(Encoding.ASCII.GetBytes($"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        await Eventually.TrueAsync(() => dashboard.OpenStreams == 1, "the stuck page's stream to open");
        using var second = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        using var reading = await web.Http.SendAsync(second, HttpCompletionOption.ResponseHeadersRead);
        await Eventually.TrueAsync(() => dashboard.OpenStreams == 2, "the second page's stream to open");
        using (var third = await web.Http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        }
        // Suggestions with long revisions: each is one event of about 400 bytes for every open page.
        await using var suggester = await RawPeer.HelloAsync(web.Server.Port, Roles.Suggest, "tester");
        var revision = new string('r', 240);
        var sent = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (dashboard.OpenStreams > 1)
        {
            Assert.True(sent < 100_000 && !deadline.IsCancellationRequested, $"not dropped after {sent} events");
            for (var i = 0; i < 100; i++)
            {
                await suggester.SendAsync(new SuggestMessage { Project = "foo", Revision = revision + (sent + i) });
            }
            for (var i = 0; i < 100; i++)
            {
                await suggester.ReceiveAsync<Accepted>();
            }
            sent += 100;
        }
        await web.Server.WaitForLogAsync("stopped reading");
    }
}
