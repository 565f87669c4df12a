using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using SimpleBB.Builder;

namespace SimpleBB.Bench;

/// <summary>The benchmark's table on stdout and the same figures as JSON.</summary>
public static class Report
{
    public static void Print(IReadOnlyList<Figure> figures, BenchOptions options, TextWriter output)
    {
        output.WriteLine($"SimpleBB benchmark{(options.Quick ? " (quick: small N, few rounds)" : "")}, {Environment.ProcessorCount} cores, {Machine()}");
        output.WriteLine();
        output.WriteLine("| figure | median | p99 | N | floor | × floor | target | |");
        output.WriteLine("|---|---:|---:|---:|---|---:|---:|---|");
        foreach (var f in figures)
        {
            var floor = double.IsNaN(f.Floor) ? "" : $"{Number(f.Floor)} {f.Unit} ({f.FloorText})";
            var ratio = double.IsNaN(f.Ratio) ? "" : f.Ratio.ToString("0.0", CultureInfo.InvariantCulture);
            var target = double.IsNaN(f.Target) ? "" : (f.HigherIsBetter ? "≥ " : "≤ ") + Number(f.Target) + " " + f.Unit;
            output.WriteLine($"| {f.Name} | {Number(f.Median)} {f.Unit} | {Number(f.P99)} {f.Unit} | {f.N} | {floor} | {ratio} | {target} | {f.Verdict} |");
        }
    }

    public static void WriteJson(IReadOnlyList<Figure> figures, BenchOptions options)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutputFile))!);
        using var stream = File.Create(options.OutputFile);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("date", DateTimeOffset.UtcNow);
        json.WriteString("machine", Machine());
        json.WriteNumber("cores", Environment.ProcessorCount);
        json.WriteBoolean("quick", options.Quick);
        json.WriteStartArray("figures");
        foreach (var f in figures)
        {
            json.WriteStartObject();
            json.WriteString("name", f.Name);
            json.WriteString("unit", f.Unit);
            Number(json, "median", f.Median);
            Number(json, "p99", f.P99);
            json.WriteNumber("n", f.N);
            Number(json, "floor", f.Floor);
            json.WriteString("floorIs", f.FloorText);
            Number(json, "ratioToFloor", f.Ratio);
            Number(json, "target", f.Target);
            json.WriteBoolean("higherIsBetter", f.HigherIsBetter);
            json.WriteString("verdict", f.Verdict);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsNaN(value))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, Math.Round(value, 3));
        }
    }

    /// <summary>Three significant digits at most, without exponent: 0.0281, 7.12, 412, 118000.</summary>
    private static string Number(double value)
    {
        if (double.IsNaN(value))
        {
            return "";
        }
        var magnitude = value == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var decimals = Math.Clamp(2 - magnitude, 0, 4);
        var rounded = Math.Round(value, decimals);
        return rounded.ToString(decimals == 0 ? "#,0" : "#,0." + new string('0', decimals), CultureInfo.InvariantCulture);
    }

    private static string Machine()
    {
        var uname = SystemInfo.Uname;
        return $"{uname.Sysname} {uname.Release} {uname.Machine}, {RuntimeInformation.FrameworkDescription}";
    }
}
