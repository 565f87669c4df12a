using System.Collections;
using System.CommandLine;
using System.Text.RegularExpressions;
using SimpleBB.Builder;
using SimpleBB.Cancel;
using SimpleBB.Processes;
using SimpleBB.Server;
using SimpleBB.Status;
using SimpleBB.Suggest;

namespace SimpleBB.Tests;

/// <summary>The one environment rule for build scripts and result hooks.</summary>
public sealed class ChildEnvironmentTests
{
    [Fact]
    public void A_child_gets_neither_simplebb_settings_nor_systemds_variables_but_its_own_variables_and_everything_else()
    {
        var inherited = new Hashtable
        {
            ["PATH"] = "/usr/bin:/bin",
            ["SIMPLEBB_TOKEN"] = "secret",
            ["SIMPLEBB_TLS_CERT_PASSWORD"] = "secret too",
            ["SIMPLEBB_HOST"] = "ci.example",
            ["NOTIFY_SOCKET"] = "/run/systemd/notify",
            ["WATCHDOG_USEC"] = "1000000",
            ["SIMPLEBB_MAIL_TO"] = "dev@example.org",
            ["SIMPLEBB_PROJECT"] = "from-the-daemon",
        };

        var entries = ChildEnvironment.For(inherited, new Dictionary<string, string> { ["SIMPLEBB_PROJECT"] = "foo" }).Order().ToArray();

        Assert.Equal(["PATH=/usr/bin:/bin", "SIMPLEBB_MAIL_TO=dev@example.org", "SIMPLEBB_PROJECT=foo"], entries);
    }

    [Fact]
    public void Every_variable_that_configures_a_simplebb_program_is_withheld_from_children()
    {
        RootCommand[] commands = [ServerCommand.Create(), BuilderCommand.Create(), SuggestCommand.Create(), StatusCommand.Create(), CancelCommand.Create()];
        var variables = commands.SelectMany(c => c.Options)
            .SelectMany(o => Regex.Matches(o.Description ?? "", @"\[env: (SIMPLEBB_[A-Z_]+)").Select(m => m.Groups[1].Value))
            .Distinct()
            .ToArray();

        Assert.NotEmpty(variables);
        Assert.All(variables, name => Assert.Contains(name, ChildEnvironment.Settings));
    }
}
