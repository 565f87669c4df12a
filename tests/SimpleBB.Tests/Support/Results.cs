using SimpleBB.Protocol;

namespace SimpleBB.Tests.Support;

/// <summary>Recorded results for tests that need one without recording it.</summary>
internal static class Results
{
    public static RecordedResult Entry(string id, string builder = "b1", string output = "ok\n") => new()
    {
        Id = id, Project = "foo", Revision = "master", Builder = builder, Outcome = "SUCCESS", ExitCode = 0, DurationMs = 5,
        Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" },
        Runtime = ".NET 10.0.12", Finished = DateTimeOffset.Parse("2026-12-01T10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture),
        Address = "127.0.0.1:5000", Output = output,
    };
}
