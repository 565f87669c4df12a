using System.Diagnostics;
using System.Security.Authentication;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>Token authentication and TLS on real sockets.</summary>
public sealed class SecurityTests : IDisposable
{
    private const string Secret = "s3cret-token-for-tests";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<IReadOnlyList<SuggestOutcome>> SuggestAsync(int port, string? token, ClientTls? tls = null) =>
        SuggestClient.SuggestAsync("127.0.0.1", port, "test", "foo", ["master"], TimeSpan.FromSeconds(10), CancellationToken.None, token, tls);

    [Fact]
    public async Task Without_the_right_token_a_peer_can_neither_suggest_nor_report()
    {
        _dir.Script("scripts", "foo", "echo ok");
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { Token = Secret });

        foreach (var token in new string?[] { null, "wrong", Secret + "x" })
        {
            await using var peer = await RawPeer.ConnectAsync(server.Port);
            await peer.SendAsync(new Hello { Role = Roles.Builder, Name = "intruder", Version = "1", Protocol = ProtocolLimits.Version, Token = token });
            Assert.Equal(ErrorCodes.Unauthorized, (await peer.ReceiveAsync<ErrorMessage>()).Code);
            Assert.True(await peer.IsClosedByServerAsync());
        }
        var refused = await Assert.ThrowsAsync<ServerRefusedException>(() => SuggestAsync(server.Port, "wrong"));
        Assert.Equal(ErrorCodes.Unauthorized, refused.Code);
        Assert.Equal(0, server.Server.ConnectedBuilders);

        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "trusted", _dir["scripts"], o => o with { Token = Secret });
        await server.WaitForBuildersAsync(1);
        Assert.Equal(1, Assert.Single(await SuggestAsync(server.Port, Secret)).Builders);
        await server.WaitForLogAsync("SUCCESS foo/master on trusted");
        Assert.Contains("unauthorized", server.Log);
        Assert.Contains("127.0.0.1:", LogFiles.Lines(server.LogPath).First(l => l.Contains("unauthorized", StringComparison.Ordinal)));
        Assert.DoesNotContain(Secret, server.Log);
        Assert.DoesNotContain("wrong", server.Log.Replace("wrong token", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_address_with_repeated_failures_has_its_further_attempts_slowed_down()
    {
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { Token = Secret });
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<ServerRefusedException>(() => SuggestAsync(server.Port, "guess" + i));
        }

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ServerRefusedException>(() => SuggestAsync(server.Port, "guess-11"));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"the 11th failure was answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Server_creates_a_private_token_on_first_start_that_clients_on_the_same_machine_find()
    {
        var home = new Dictionary<string, string> { ["HOME"] = _dir.Path };
        var log = _dir["server.log"];
        await using var server = ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", "0", "--log-file", log], home);
        await Eventually.TrueAsync(() => LogFiles.Count(log, "Authentication on") == 1, "the server to start\n" + server.Output);
        var port = System.Text.RegularExpressions.Regex.Match(LogFiles.Read(log), @"listening on [\d.]+:(\d+)").Groups[1].Value;

        var tokenFile = _dir[".simplebb/token"];
        var token = File.ReadAllText(tokenFile).Trim();
        Assert.Equal(64, token.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir[".simplebb"]));
        Assert.Contains(tokenFile, LogFiles.Read(log));
        Assert.DoesNotContain(token, LogFiles.Read(log));

        var sameMachine = await Executables.RunAsync("suggest", ["-p", port, "foo", "master"], env: home);
        Directory.CreateDirectory(_dir["elsewhere"]);
        var otherMachine = await Executables.RunAsync("suggest", ["-p", port, "foo", "master"], env: new Dictionary<string, string> { ["HOME"] = _dir["elsewhere"] });
        var withVariable = await Executables.RunAsync("suggest", ["-p", port, "foo", "master"],
            env: new Dictionary<string, string> { ["HOME"] = _dir["elsewhere"], ["SIMPLEBB_TOKEN"] = token });

        Assert.Equal(0, sameMachine.ExitCode);
        Assert.Equal(1, otherMachine.ExitCode);
        Assert.Contains("unauthorized", otherMachine.Stderr);
        Assert.Equal(0, withVariable.ExitCode);
    }

    [Fact]
    public async Task No_auth_warns_at_start_naming_the_listening_address()
    {
        var log = _dir["server.log"];
        await using var server = ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", "0", "--log-file", log, "--no-auth"],
            new Dictionary<string, string> { ["HOME"] = _dir.Path });

        await Eventually.TrueAsync(() => LogFiles.Count(log, "[WRN] Authentication is OFF: anyone who can reach 127.0.0.1:") == 1, "the warning\n" + server.Output);
        Assert.False(File.Exists(_dir[".simplebb/token"]));
    }

    [Fact]
    public async Task Builds_round_trip_over_TLS_with_a_pinned_fingerprint_and_with_a_CA_file()
    {
        _dir.Script("scripts", "foo", "echo over tls");
        using var certificate = TestCertificate.Create();
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { Certificate = certificate });
        var pinned = new ClientTls { Fingerprint = TestCertificate.Fingerprint(certificate) };
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "secure", _dir["scripts"], o => o with { Tls = pinned });
        await server.WaitForBuildersAsync(1);

        var viaCa = new ClientTls { CaFile = TestCertificate.WritePublic(certificate, _dir["ca.pem"]) };
        Assert.Equal(1, Assert.Single(await SuggestAsync(server.Port, null, viaCa)).Builders);

        await server.WaitForLogAsync("SUCCESS foo/master on secure");
        Assert.Contains("TLS on: certificate CN=simplebb-test", server.Log);
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_certificate_matches_neither_its_pin_nor_its_CA()
    {
        using var certificate = TestCertificate.Create();
        using var other = TestCertificate.Create("CN=someone-else");
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { Certificate = certificate });

        var wrongPin = await Assert.ThrowsAsync<AuthenticationException>(() => SuggestAsync(server.Port, null, new ClientTls { Fingerprint = TestCertificate.Fingerprint(other) }));
        var wrongCa = await Assert.ThrowsAsync<AuthenticationException>(() => SuggestAsync(server.Port, null, new ClientTls { CaFile = TestCertificate.WritePublic(other, _dir["other.pem"]) }));
        var systemStore = await Assert.ThrowsAsync<AuthenticationException>(() => SuggestAsync(server.Port, null, new ClientTls()));

        Assert.Contains("pinned fingerprint", wrongPin.Message);
        Assert.Contains("not signed by the given CA", wrongCa.Message);
        Assert.Contains("not trusted", systemStore.Message);
    }

    [Fact]
    public async Task Plain_TCP_and_TLS_mixed_up_fail_clearly_and_both_sides_keep_serving()
    {
        using var certificate = TestCertificate.Create();
        var tls = new ClientTls { Fingerprint = TestCertificate.Fingerprint(certificate) };
        await using var tlsServer = ServerFixture.Start(Directory.CreateDirectory(_dir["a"]).FullName,
            configure: o => o with { Certificate = certificate, HelloTimeout = TimeSpan.FromMilliseconds(500) });
        await using var plainServer = ServerFixture.Start(Directory.CreateDirectory(_dir["b"]).FullName,
            configure: o => o with { HelloTimeout = TimeSpan.FromMilliseconds(500) });

        await using (var plainPeer = await RawPeer.ConnectAsync(tlsServer.Port))
        {
            await plainPeer.SendAsync(new Hello { Role = Roles.Suggest, Name = "plain", Version = "1", Protocol = ProtocolLimits.Version });
            Assert.True(await plainPeer.IsClosedByServerAsync());
        }
        var tlsToPlain = await Assert.ThrowsAsync<AuthenticationException>(() => SuggestAsync(plainServer.Port, null, tls));

        Assert.Contains("TLS with 127.0.0.1:", tlsToPlain.Message);
        await tlsServer.WaitForLogAsync("TLS handshake with 127.0.0.1:");
        Assert.NotNull(Assert.Single(await SuggestAsync(tlsServer.Port, null, tls)).BuildId);
        Assert.NotNull(Assert.Single(await SuggestAsync(plainServer.Port, null)).BuildId);
    }
}
