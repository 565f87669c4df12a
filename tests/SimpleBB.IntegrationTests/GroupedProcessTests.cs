using System.ComponentModel;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Processes;

namespace SimpleBB.IntegrationTests;

/// <summary>The one way builds and hooks start a child: exit codes, start failures, the environment rule, one output pipe.</summary>
public sealed class GroupedProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly Dictionary<string, string> NoVariables = [];

    private static async Task<(int ExitCode, string Output)> RunAsync(string script, IReadOnlyDictionary<string, string>? variables = null, string? folder = null)
    {
        using var child = GroupedProcess.Start(new ChildStart(script, ["arg one"], folder ?? Path.GetDirectoryName(script)!, variables ?? NoVariables));
        using var reader = new StreamReader(child.Output);
        var output = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (await child.Exited.WaitAsync(TimeSpan.FromSeconds(20)), output);
    }

    [Fact]
    public async Task Exit_code_is_the_childs_own_or_128_plus_the_signal_that_ended_it()
    {
        Assert.Equal(3, (await RunAsync(_dir.Script("s", "three", "exit 3"))).ExitCode);
        Assert.Equal(137, (await RunAsync(_dir.Script("s", "killed", "kill -9 $$"))).ExitCode);
    }

    [Fact]
    public async Task Stdout_and_stderr_arrive_in_one_stream_in_the_order_written_with_the_arguments_and_working_folder()
    {
        var script = _dir.Script("s", "talk", "echo \"out $1\"\necho err >&2\npwd\necho last");
        var work = Directory.CreateDirectory(_dir["work"]).FullName;

        var (exitCode, output) = await RunAsync(script, folder: work);

        Assert.Equal(0, exitCode);
        Assert.Equal($"out arg one\nerr\n{work}\nlast\n", output);
    }

    [Fact]
    public void A_script_whose_interpreter_is_missing_fails_to_start_with_the_systems_reason()
    {
        var script = _dir.Script("s", "x", "exit 0");
        File.WriteAllText(script, "#!/no/such/interpreter\nexit 0\n");

        var failure = Assert.Throws<Win32Exception>(() => GroupedProcess.Start(new ChildStart(script, [], _dir.Path, NoVariables)));

        Assert.Contains("No such file or directory", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_child_gets_its_own_variables_and_the_inherited_environment()
    {
        var script = _dir.Script("s", "env", "env | grep -E '^(SIMPLEBB_PROJECT|HOME)=' | sort");

        var (_, output) = await RunAsync(script, new Dictionary<string, string> { ["SIMPLEBB_PROJECT"] = "foo" });

        Assert.Equal($"HOME={Environment.GetEnvironmentVariable("HOME")}\nSIMPLEBB_PROJECT=foo\n", output);
    }

    [Fact]
    public async Task The_builder_keeps_only_the_newest_build_logs_of_a_project()
    {
        _dir.Script("scripts", "foo", "echo built $1");
        var runner = new SimpleBB.Builder.ScriptRunner(new SimpleBB.Builder.BuilderOptions
        {
            ScriptsDirectory = _dir["scripts"], DataDirectory = _dir["data"], BuildLogsKept = 2,
        });

        foreach (var id in new[] { "b-1", "b-2", "b-3", "b-4" })
        {
            var outcome = await runner.RunAsync(new SimpleBB.Protocol.BuildMessage { Id = id, Project = "foo", Revision = id }, CancellationToken.None);
            Assert.Equal(0, outcome.ExitCode);
            File.SetLastWriteTimeUtc(outcome.LogFile!, DateTime.UtcNow.AddMinutes(int.Parse(id[2..], System.Globalization.CultureInfo.InvariantCulture) - 10));
        }

        Assert.Equal(["b-3.log", "b-4.log"], Directory.GetFiles(Path.Combine(_dir["data"], "logs", "foo")).Select(Path.GetFileName).Order());
    }
}
