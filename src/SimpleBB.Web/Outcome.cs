using SimpleBB.Protocol;

namespace SimpleBB.Web;

/// <summary>
/// How an outcome is shown: a word and a symbol as well as a colour, so no result is told by colour alone, and one
/// CSS class per kind (pass, fail, timeout, na, cancelled, interrupted, running, none).
/// </summary>
internal readonly record struct Outcome(string Css, string Symbol, string Label)
{
    public static readonly Outcome Running = new("running", "\u25B6", "running");
    public static readonly Outcome Pending = new("pending", "\u2026", "waiting");
    public static readonly Outcome None = new("none", "\u00B7", "no result");

    public static Outcome Of(string outcome) => outcome switch
    {
        Outcomes.Success => new("pass", "\u2713", "PASS"),
        Outcomes.Timeout => new("timeout", "\u29D7", "TIMEOUT"),
        Outcomes.NotApplicable => new("na", "\u2013", "N/A"),
        Outcomes.Cancelled => new("cancelled", "\u2298", "CANCELLED"),
        Outcomes.Interrupted => new("interrupted", "\u21AF", "INTERRUPTED"),
        _ => new("fail", "\u2717", "FAIL" + outcome[Math.Min(outcome.Length, Outcomes.FailedPrefix.Length)..]),
    };

    /// <summary>Appends a labelled cell body: symbol (hidden from screen readers) and the word.</summary>
    public void AppendTo(System.Text.StringBuilder html) =>
        html.Append("<span class=\"o o-").Append(Css).Append("\"><span aria-hidden=\"true\">").Append(Symbol).Append("</span> ").Append(Label).Append("</span>");
}
