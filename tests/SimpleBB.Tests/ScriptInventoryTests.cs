using SimpleBB.Builder;
using SimpleBB.Protocol;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

public sealed class ScriptInventoryTests
{
    [Fact]
    public void Builder_with_more_scripts_than_the_limit_announces_the_first_by_name_and_says_how_many_it_left_out()
    {
        using var folder = new TempDirectory();
        var extra = 5;
        for (var i = 0; i < ProtocolLimits.MaxScripts + extra; i++)
        {
            WriteScript(folder.File($"p{i:D4}"));
        }
        var reports = new List<int>();
        var inventory = new ScriptInventory(folder.Path, overLimit: reports.Add);

        var (scripts, _) = inventory.Scan();
        inventory.Scan();

        Assert.Equal(ProtocolLimits.MaxScripts, scripts.Length);
        Assert.Equal("p0000", scripts[0].Name);
        Assert.Equal($"p{ProtocolLimits.MaxScripts - 1:D4}", scripts[^1].Name);
        Assert.Equal([extra], reports); // once per change, not once per scan

        for (var i = 0; i < extra; i++)
        {
            File.Delete(folder.File($"p{i:D4}"));
        }
        (scripts, _) = inventory.Scan();

        Assert.Equal(ProtocolLimits.MaxScripts, scripts.Length);
        Assert.Equal([extra, 0], reports);
    }

    [Fact]
    public void Announced_scripts_fit_in_one_default_line_with_the_longest_names()
    {
        var scripts = Enumerable.Range(0, ProtocolLimits.MaxScripts)
            .Select(i => new ScriptInfo { Name = $"{i:D4}".PadRight(Names.MaxProjectBytes, 'x'), Sha256 = new string('a', 64) })
            .ToArray();
        var hello = new Hello
        {
            Role = Roles.Builder, Name = new string('b', Names.MaxBuilderNameBytes), Version = new string('v', ProtocolLimits.MaxVersionBytes),
            Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Runtime = new string('r', ProtocolLimits.MaxTextBytes),
            Uname = new Uname
            {
                Sysname = new string('s', ProtocolLimits.MaxTextBytes), Nodename = new string('n', ProtocolLimits.MaxTextBytes),
                Release = new string('r', ProtocolLimits.MaxTextBytes), Version = new string('v', ProtocolLimits.MaxTextBytes),
                Machine = new string('m', ProtocolLimits.MaxTextBytes),
            },
            Scripts = scripts, Token = new string('t', 256),
        };

        Assert.True(MessageCodec.Encode(hello).Length - 1 <= ProtocolLimits.DefaultMaxLineBytes);
    }

    private static void WriteScript(string path)
    {
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
