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
        WriteFigures(json, "figures", figures, samples: false);
        json.WriteEndObject();
    }

    /// <summary>
    /// The comparison's table: per figure both sides' medians, their ratio and whether that is better or worse, and
    /// the working tree's floor. Figures a side could not measure show an em dash, and a note says why.
    /// </summary>
    public static void PrintComparison(Comparison comparison, BenchOptions options, TextWriter output)
    {
        output.WriteLine($"SimpleBB benchmark{(options.Quick ? " (quick: small N, few rounds)" : "")}, {Environment.ProcessorCount} cores, {Machine()}");
        output.WriteLine(comparison.Rounds == 1
            ? $"{options.Label} against {options.AgainstLabel}: 1 round (each phase ran for both, one after the other, {options.Label} first; "
              + "floors measured once and shared)."
            : $"{options.Label} against {options.AgainstLabel}: {comparison.Rounds} rounds interleaved (each phase ran for both, one after the "
              + "other, the order swapped every round; floors measured once a round and shared); samples of all rounds pooled.");
        output.WriteLine();
        output.WriteLine($"| figure | {options.Label} | {options.AgainstLabel} | ratio | change | floor | × floor |");
        output.WriteLine("|---|---:|---:|---:|---|---|---:|");
        foreach (var f in comparison.Floors)
        {
            output.WriteLine($"| {f.Name} | {Number(f.Median)} {f.Unit} | shared | | | | |");
        }
        var against = comparison.AgainstFigures.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var names = comparison.Figures.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (ours, theirs) in comparison.Figures.Select(f => ((Figure?)f, against.GetValueOrDefault(f.Name)))
                     .Concat(comparison.AgainstFigures.Where(f => !names.Contains(f.Name)).Select(f => ((Figure?)null, (Figure?)f))))
        {
            var f = (ours ?? theirs)!;
            var ratio = Change(ours, theirs);
            var floorOf = ours ?? theirs!;
            var floor = double.IsNaN(floorOf.Floor) ? "" : $"{Number(floorOf.Floor)} {f.Unit} ({floorOf.FloorText})";
            var timesFloor = ours is null ? "—" : double.IsNaN(ours.Ratio) ? "" : ours.Ratio.ToString("0.0", CultureInfo.InvariantCulture);
            output.WriteLine($"| {f.Name} | {Value(ours)} | {Value(theirs)} | {ratio.Text} | {ratio.Verdict} | {floor} | {timesFloor} |");
        }
        output.WriteLine();
        output.WriteLine($"ratio = {options.Label} / {options.AgainstLabel}, for rates (/s) too; change: better or worse when the ratio is "
            + "beyond ±5% (higher is better for /s figures, lower for the rest), same within it; × floor: the median of "
            + $"{options.Label} over the floor.");
        foreach (var note in comparison.Notes)
        {
            output.WriteLine($"- {note}");
        }
    }

    public static void WriteComparisonJson(Comparison comparison, BenchOptions options)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutputFile))!);
        using var stream = File.Create(options.OutputFile);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("date", DateTimeOffset.UtcNow);
        json.WriteString("machine", Machine());
        json.WriteNumber("cores", Environment.ProcessorCount);
        json.WriteBoolean("quick", options.Quick);
        json.WriteString("label", options.Label);
        json.WriteNumber("rounds", comparison.Rounds);
        json.WriteBoolean("interleaved", true);
        WriteFigures(json, "figures", comparison.Floors.Concat(comparison.Figures), samples: true);
        json.WriteStartObject("against");
        json.WriteString("label", options.AgainstLabel);
        WriteFigures(json, "figures", comparison.Floors.Concat(comparison.AgainstFigures), samples: true);
        json.WriteEndObject();
        json.WriteStartArray("comparison");
        var against = comparison.AgainstFigures.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var f in comparison.Figures)
        {
            var theirs = against.GetValueOrDefault(f.Name);
            var change = Change(f, theirs);
            json.WriteStartObject();
            json.WriteString("name", f.Name);
            json.WriteString("unit", f.Unit);
            Number(json, "median", f.Median);
            Number(json, "againstMedian", theirs?.Median ?? double.NaN);
            Number(json, "ratio", change.Ratio);
            json.WriteString("change", change.Verdict);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (var note in comparison.Notes)
        {
            json.WriteStringValue(note);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter json, string name, IEnumerable<Figure> figures, bool samples)
    {
        json.WriteStartArray(name);
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
            if (samples)
            {
                json.WriteStartArray("samples");
                foreach (var value in f.Values)
                {
                    json.WriteNumberValue(Math.Round(value, 3));
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static string Value(Figure? figure) => figure is null ? "—" : $"{Number(figure.Median)} {figure.Unit}";

    /// <summary>Ours over theirs, and which way that goes: a ±5% band counts as the same (the noise of a shared machine).</summary>
    private static (double Ratio, string Text, string Verdict) Change(Figure? ours, Figure? theirs)
    {
        if (ours is null || theirs is null)
        {
            return (double.NaN, "—", "");
        }
        var ratio = ours.Median / theirs.Median;
        if (double.IsNaN(ratio) || double.IsInfinity(ratio))
        {
            return (double.NaN, "", "");
        }
        var gain = ours.HigherIsBetter ? ratio : 1 / ratio;
        var verdict = gain > 1.05 ? "better" : gain < 1 / 1.05 ? "worse" : "same";
        return (ratio, ratio.ToString("0.00", CultureInfo.InvariantCulture), verdict);
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
