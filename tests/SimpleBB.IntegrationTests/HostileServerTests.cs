using System.Net;
using System.Net.Sockets;
using System.Text;
using SimpleBB.Hosting;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>A broken or malicious server: the builder and suggest answer, refuse, reconnect, and never crash or run anything unsafe.</summary>
public sealed class HostileServerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(Socket Socket, StreamReader Reader)> AcceptAsync(TcpListener listener)
    {
        var socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (socket, new StreamReader(new NetworkStream(socket, ownsSocket: false), new UTF8Encoding(false)));
    }

    private static async Task<Message?> ReadAsync(StreamReader reader)
    {
        var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return line is null ? null : MessageCodec.Decode(Encoding.UTF8.GetBytes(line)).Message;
    }

    [Fact]
    public async Task Builder_answers_garbage_refuses_unsafe_builds_and_reconnects_after_an_oversized_line()
    {
        // A script outside the scripts folder that a traversal would reach; it must never run.
        var marker = _dir["escaped"];
        _dir.Script(".", "x", $"touch {marker}");
        _dir.Script("scripts", "foo", $"touch {_dir["foo-ran"]}");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var builder = BuilderFixture.Start(_dir.Path, port, "alpha", _dir["scripts"]);

        var (socket, reader) = await AcceptAsync(listener);
        using (socket)
        {
            Assert.IsType<Hello>(await ReadAsync(reader));
            var welcome = new Welcome { Server = "evil", Version = "6.6.6", Protocol = 1, HeartbeatSeconds = 15 };
            var lines = new List<byte[]>
            {
                MessageCodec.Encode(welcome),
                "{not json\n"u8.ToArray(),
                new byte[] { 0xff, 0xfe, 0x00, (byte)'\n' },
                "{\"type\":\"launch-missiles\"}\n"u8.ToArray(),
                "{\"type\":\"build\",\"id\":\"e-1\",\"project\":\"../x\",\"revision\":\"main\"}\n"u8.ToArray(),
                "{\"type\":\"build\",\"id\":\"e-2\",\"project\":\"foo\",\"revision\":\"-rf\"}\n"u8.ToArray(),
                "{\"type\":\"build\",\"id\":\"../../e\",\"project\":\"foo\",\"revision\":\"main\"}\n"u8.ToArray(),
                "\0\0\0\0\n"u8.ToArray(),
            };
            foreach (var line in lines)
            {
                await socket.SendAsync(line);
            }

            var codes = new List<string>();
            while (codes.Count < 6)
            {
                switch (await ReadAsync(reader))
                {
                    case ErrorMessage error:
                        codes.Add(error.Code);
                        break;
                    case null:
                        Assert.Fail("the builder closed the connection; errors so far: " + string.Join(", ", codes));
                        break;
                }
            }
            // An unknown type is skipped without an answer: a newer server may send messages this builder does not know.
            Assert.Equal([ErrorCodes.BadJson, ErrorCodes.BadUtf8, ErrorCodes.BadProject, ErrorCodes.BadRevision,
                ErrorCodes.BadMessage, ErrorCodes.BadJson], codes);

            // An endless line: the builder must stop reading it, close, and come back.
            var junk = new byte[1024 * 1024];
            Array.Fill(junk, (byte)'a');
            try
            {
                await socket.SendAsync(junk).WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (SocketException)
            {
                // The builder closed while we were still sending: that is the point.
            }
        }

        var (again, againReader) = await AcceptAsync(listener);
        using (again)
        {
            Assert.IsType<Hello>(await ReadAsync(againReader));
        }
        Assert.False(File.Exists(marker), "a build with a traversal project name ran a script outside the scripts folder");
        Assert.False(File.Exists(_dir["foo-ran"]), "a build with an invalid revision or id ran");
    }

    [Fact]
    public async Task Suggest_fails_with_a_clear_error_when_the_server_answers_garbage()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var suggesting = SuggestClient.SuggestAsync("127.0.0.1", port, "test", "foo", ["master"], TimeSpan.FromSeconds(10), CancellationToken.None);

        var (socket, reader) = await AcceptAsync(listener);
        using (socket)
        {
            Assert.IsType<Hello>(await ReadAsync(reader));
            await socket.SendAsync("\u0001garbage that is not a message\n"u8.ToArray());

            var error = await Assert.ThrowsAsync<BadServerMessageException>(() => suggesting);
            Assert.Equal(ErrorCodes.BadJson, error.Code);
            Assert.Equal(ExitCodes.Failure, SuggestCommand.ExitCodeFor(error));
        }
    }
}
